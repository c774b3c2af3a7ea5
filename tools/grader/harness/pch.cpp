// Compiles the graders' precompiled header once (see CMakeLists.txt).
