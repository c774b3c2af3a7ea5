# Any other chart (a hook's, say): its points as lines, titled by the chart's name.
load "tools/bench/charts/common.gp"
set title sprintf("%s (%s)", chart, when) noenhanced
plot for [i=0:series-1] data index i using 1:2 title columnheader(1) lt i+1
