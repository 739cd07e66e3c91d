#!/usr/bin/env bash
# Demo-corpus benchmark: `ser demo emovo` at full size (588 files: espeak-ng subprocesses, voice-quality
# post-processing, atomic 16-bit WAV writes, 2 workers) against the bare floor of the same work: espeak-ng
# alone speaking the same 588 utterances into WAV files, 2 at a time (xargs -P2). The ratio is ser's overhead
# over the synthesiser itself; the issue's budget is under a minute for the whole corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
ser=${SER:-.build/release/ser}
work=build/bench-corpus
rm -rf "$work"
mkdir -p "$work/espeak"

sentences=(
  "Gli operai si alzano presto." "I vigili sono muniti di pistola." "La cascata fa molto rumore."
  "L'autunno prossimo Tony partirà per la Spagna nella prima metà di ottobre."
  "Ora prendo la felpa di là ed esco per fare una passeggiata."
  "Un attimo dopo si è incamminato verso la porta ed è uscito in silenzio."
  "Vorrei il numero telefonico del signor Piatti." "La casa forte vizia la lana."
  "La cascata vola sul tavolo blu." "Il gatto nuota tra le nuvole di vetro."
  "Le finestre cantano piano la sera." "Il pane corre dietro alla luna."
  "Sarà per la vostra maggiore comodità?" "Quando tornerai a casa stasera?"
)
jobs="$work/jobs.txt"
: > "$jobs"
for spk in f1 f2 f3 m1 m2 m3; do
  variant=$([[ $spk == f* ]] && echo f2 || echo m3)
  for emo in dis gio neu pau rab sor tri; do
    for i in "${!sentences[@]}"; do
      printf '%s\0%s\0%s\0' "it+$variant" "$work/espeak/$emo-$spk-$i.wav" "${sentences[$i]}" >> "$jobs"
    done
  done
done

TIMEFORMAT='%R %U %S'
{ time "$ser" demo emovo --out "$work/ser" > /dev/null; } 2> "$work/ser.time"
{ time xargs -0 -n 3 -P 2 sh -c 'espeak-ng -z -v "$0" -w "$1" "$2"' < "$jobs"; } 2> "$work/espeak.time"

count=$(find "$work/ser" -name '*.wav' | wc -l)
read -r sw su ss < <(tail -1 "$work/ser.time")
read -r ew eu es < <(tail -1 "$work/espeak.time")
awk -v sw="$sw" -v su="$su" -v ss="$ss" -v ew="$ew" -v eu="$eu" -v es="$es" -v n="$count" 'BEGIN {
  printf "demo emovo (%d files): ser %.2f s wall / %.2f s CPU, bare espeak-ng %.2f s wall / %.2f s CPU\n", n, sw, su + ss, ew, eu + es
  printf "demo emovo: ser takes %.2fx the wall time of espeak-ng alone (%.2fx its CPU); budget 60 s: %s\n", sw / ew, (su + ss) / (eu + es), (sw < 60 ? "met" : "MISSED")
}'
