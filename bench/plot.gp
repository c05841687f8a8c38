# Latency against load, one PNG per client count, from the data files that
# `bench/report.py --plot-data` writes. Called by bench/plot.sh with
#   gnuplot -e "datadir='…'; clients=100; output='….png'" bench/plot.gp
set terminal pngcairo size 720,420 font "sans,10"
set output output
set title sprintf("p99 latency vs load, %d WebSocket (or MQTT) clients, 100-byte payloads", clients)
set xlabel "offered deliveries per second (messages/s × clients)"
set ylabel "p99 latency (ms)"
set logscale y
set grid
set key bottom right
set format x "%.0s%c"
plot sprintf("%s/bridge-%d.dat", datadir, clients)    using 1:3 with linespoints lw 2 pt 7 title "mqtt-ws-bridge", \
     sprintf("%s/node-red-%d.dat", datadir, clients)  using 1:3 with linespoints lw 2 pt 5 title "Node-RED 5", \
     sprintf("%s/mosquitto-%d.dat", datadir, clients) using 1:3 with linespoints lw 2 pt 9 title "Mosquitto native fan-out"
