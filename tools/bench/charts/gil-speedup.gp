# Speedup over one thread against the number of threads (chapter 01).
load "tools/bench/charts/common.gp"
set title sprintf("CPU-bound work split across threads (%d cores; %s)", cores, when) noenhanced
set xlabel "threads (the same total work split between them)"
set ylabel "speedup over 1 thread"
set xtics 1
set yrange [0:*]
set arrow from cores, graph 0 to cores, graph 1 nohead lc rgb "#aaaaaa" dt 3
set label sprintf("%d cores", cores) at cores, graph 0.95 offset 0.5, 0 textcolor rgb "#666666"
plot for [i=0:series-1] data index i using 1:2 title columnheader(1) lt i+1
