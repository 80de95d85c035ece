#!/usr/bin/env bash
# PostgreSQL alone on a transition's statements, next to pgbench's TPC-B-like script, on the same server and
# database: how close to the issue-8 goal (0.6× TPC-B) the transition's SQL could get if the API cost nothing.
# Run on a database a bench left behind: `npm run bench -- --only=transitions --keep`, then
#   bench/pgbench/transition-write.sh [database] [runs] [seconds]
set -euo pipefail
db=${1:-cultivation_bench}
runs=${2:-3}
seconds=${3:-10}
here=$(dirname "$0")
pg=(-h 127.0.0.1 -U postgres)
psql "${pg[@]}" -q -d "$db" -v ON_ERROR_STOP=1 <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_transition_ids;
CREATE TABLE bench_transition_ids AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM applications;
CREATE UNIQUE INDEX ON bench_transition_ids (n);
SQL
ids=$(psql "${pg[@]}" -d "$db" -Atc 'SELECT count(*) FROM bench_transition_ids')
pgbench "${pg[@]}" -i -q -s 32 "$db" > /dev/null 2>&1
# CPU (ms) of the backends serving $db, summed over their /proc stat (utime + stime, in clock ticks).
backend_cpu_ms() {
  local total=0 pid
  for pid in $(psql "${pg[@]}" -d "$db" -Atc "SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()"); do
    # A backend may exit between the list and the read: count it as 0.
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2> /dev/null || echo 0)))
  done
  echo $((total * 1000 / $(getconf CLK_TCK)))
}
# Runs pgbench with the given arguments; prints "tps cpu-ms-per-transaction", the CPU read from 1 s after the start
# to 1 s before the end (the backends exit with pgbench).
measure() {
  local out cpu0 cpu1 tps
  out=$(mktemp)
  pgbench "${pg[@]}" -n -c 32 -j 2 -T "$seconds" "$@" "$db" > "$out" 2>&1 &
  sleep 1
  cpu0=$(backend_cpu_ms)
  sleep $((seconds - 2))
  cpu1=$(backend_cpu_ms)
  wait
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p' "$out")
  rm -f "$out"
  echo "$tps $(echo "scale=2; ($cpu1 - $cpu0) / ($tps * ($seconds - 2))" | bc)"
}
for r in $(seq 1 "$runs"); do
  read -r tpcb _ < <(measure)
  read -r ours ours_cpu < <(measure -M prepared -D ids="$ids" -f "$here/return-transition.sql")
  # (TPC-B's own CPU figure is left out: its 32 short transactions per backend read back erratically, 0.14–0.46 ms.)
  echo "run $r: TPC-B ${tpcb} tps; RETURN read + write ${ours} tps (PostgreSQL CPU ${ours_cpu} ms each);" \
    "ratio $(echo "scale=2; $ours / $tpcb" | bc)"
done
psql "${pg[@]}" -q -d "$db" -c 'DROP TABLE bench_transition_ids' \
  -c 'DROP TABLE pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history'
