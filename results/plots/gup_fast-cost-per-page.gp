# gup_fast-cost-per-page: drawn by pinbench from results.json
set title "gup_fast: cost per page (anon, THP off, write, short-term)" noenhanced
set xlabel "pages per call"
set ylabel "ns per page (phase mean)"
set key outside right noenhanced
set grid
set logscale x 2
set format x "%g"
set logscale y
set terminal pngcairo size 960,540
set output 'gup_fast-cost-per-page.png'
plot 'gup_fast-cost-per-page.0.dat' using 1:2 with linespoints title "gup_ref acquire", 'gup_fast-cost-per-page.1.dat' using 1:2 with linespoints title "gup_ref release", 'gup_fast-cost-per-page.2.dat' using 1:2 with linespoints title "pin_counter acquire", 'gup_fast-cost-per-page.3.dat' using 1:2 with linespoints title "pin_counter release", 'gup_fast-cost-per-page.4.dat' using 1:2 with linespoints title "fake_vma acquire", 'gup_fast-cost-per-page.5.dat' using 1:2 with linespoints title "fake_vma release", 'gup_fast-cost-per-page.6.dat' using 1:2 with linespoints title "fake_vma_fast acquire", 'gup_fast-cost-per-page.7.dat' using 1:2 with linespoints title "fake_vma_fast release", 'gup_fast-cost-per-page.8.dat' using 1:2 with linespoints title "notifier_revoke acquire", 'gup_fast-cost-per-page.9.dat' using 1:2 with linespoints title "notifier_revoke release", 'gup_fast-cost-per-page.10.dat' using 1:2 with linespoints title "notifier_revoke (per buffer) acquire", 'gup_fast-cost-per-page.11.dat' using 1:2 with linespoints title "notifier_revoke (per buffer) release"
set terminal svg dynamic size 960,540
set output 'gup_fast-cost-per-page.svg'
plot 'gup_fast-cost-per-page.0.dat' using 1:2 with linespoints title "gup_ref acquire", 'gup_fast-cost-per-page.1.dat' using 1:2 with linespoints title "gup_ref release", 'gup_fast-cost-per-page.2.dat' using 1:2 with linespoints title "pin_counter acquire", 'gup_fast-cost-per-page.3.dat' using 1:2 with linespoints title "pin_counter release", 'gup_fast-cost-per-page.4.dat' using 1:2 with linespoints title "fake_vma acquire", 'gup_fast-cost-per-page.5.dat' using 1:2 with linespoints title "fake_vma release", 'gup_fast-cost-per-page.6.dat' using 1:2 with linespoints title "fake_vma_fast acquire", 'gup_fast-cost-per-page.7.dat' using 1:2 with linespoints title "fake_vma_fast release", 'gup_fast-cost-per-page.8.dat' using 1:2 with linespoints title "notifier_revoke acquire", 'gup_fast-cost-per-page.9.dat' using 1:2 with linespoints title "notifier_revoke release", 'gup_fast-cost-per-page.10.dat' using 1:2 with linespoints title "notifier_revoke (per buffer) acquire", 'gup_fast-cost-per-page.11.dat' using 1:2 with linespoints title "notifier_revoke (per buffer) release"
