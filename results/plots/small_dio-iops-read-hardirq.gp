# small_dio-iops-read-hardirq: drawn by pinbench from results.json
set title "small_dio: IOPS by block size, read, QD1, hardirq completion" noenhanced
set xlabel "block size, bytes"
set ylabel "IOPS"
set key outside right noenhanced
set grid
set logscale x 2
set format x "%g"
set logscale y
set terminal pngcairo size 960,540
set output 'small_dio-iops-read-hardirq.png'
plot 'small_dio-iops-read-hardirq.0.dat' using 1:2 with linespoints title "gup_ref", 'small_dio-iops-read-hardirq.1.dat' using 1:2 with linespoints title "pin_counter", 'small_dio-iops-read-hardirq.2.dat' using 1:2 with linespoints title "fake_vma", 'small_dio-iops-read-hardirq.3.dat' using 1:2 with linespoints title "notifier_revoke", 'small_dio-iops-read-hardirq.4.dat' using 1:2 with linespoints title "fake_vma_fast", 'small_dio-iops-read-hardirq.5.dat' using 1:2 with linespoints title "notifier_revoke (per buffer)", 'small_dio-iops-read-hardirq.6.dat' using 1:2 with linespoints title "stock: liburing", 'small_dio-iops-read-hardirq.7.dat' using 1:2 with linespoints title "stock: liburing fixed buffers", 'small_dio-iops-read-hardirq.8.dat' using 1:2 with linespoints title "stock: fio_io_uring", 'small_dio-iops-read-hardirq.9.dat' using 1:2 with linespoints title "stock: fio_io_uring fixed buffers"
set terminal svg dynamic size 960,540
set output 'small_dio-iops-read-hardirq.svg'
plot 'small_dio-iops-read-hardirq.0.dat' using 1:2 with linespoints title "gup_ref", 'small_dio-iops-read-hardirq.1.dat' using 1:2 with linespoints title "pin_counter", 'small_dio-iops-read-hardirq.2.dat' using 1:2 with linespoints title "fake_vma", 'small_dio-iops-read-hardirq.3.dat' using 1:2 with linespoints title "notifier_revoke", 'small_dio-iops-read-hardirq.4.dat' using 1:2 with linespoints title "fake_vma_fast", 'small_dio-iops-read-hardirq.5.dat' using 1:2 with linespoints title "notifier_revoke (per buffer)", 'small_dio-iops-read-hardirq.6.dat' using 1:2 with linespoints title "stock: liburing", 'small_dio-iops-read-hardirq.7.dat' using 1:2 with linespoints title "stock: liburing fixed buffers", 'small_dio-iops-read-hardirq.8.dat' using 1:2 with linespoints title "stock: fio_io_uring", 'small_dio-iops-read-hardirq.9.dat' using 1:2 with linespoints title "stock: fio_io_uring fixed buffers"
