# Requests per second against concurrent keep-alive connections (chapter 07).
load "tools/bench/charts/common.gp"
set title sprintf("HTTP keep-alive, GET /world on 127.0.0.1, one client thread (%s)", when) noenhanced
set xlabel "concurrent connections"
set ylabel "requests per second"
set logscale x
set xrange [0.7:300]
set yrange [0:*]
set format y "%.0s%c"
plot for [i=0:series-1] data index i using 1:2 title columnheader(1) lt i+1
