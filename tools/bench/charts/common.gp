# Shared look of the bench's charts. Variables set by tools/bench.sh:
# data (the points: one block per series, titled), output (the SVG),
# series (how many blocks), cores (nproc), when (the run's date), chart.
set terminal svg size 760,500 font "sans,13" background rgb "white"
set output output
set border 3 lc rgb "#444444"
set tics nomirror textcolor rgb "#222222"
set grid lc rgb "#dddddd" lt 1
set key outside below center horizontal Left reverse noenhanced samplen 2 spacing 1.1 font "sans,11" maxcols 2 width 2
set style data linespoints
set linetype 1 lc rgb "#1f77b4" lw 2 pt 7 ps 0.8
set linetype 2 lc rgb "#d62728" lw 2 pt 5 ps 0.8
set linetype 3 lc rgb "#2ca02c" lw 2 pt 9 ps 0.9
set linetype 4 lc rgb "#ff7f0e" lw 2 pt 13 ps 0.9
set linetype 5 lc rgb "#9467bd" lw 2 pt 11 ps 0.9
set linetype 6 lc rgb "#7f7f7f" lw 1 dt 2 pt 0
