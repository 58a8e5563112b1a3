#!/bin/sh
# Computes the expected daily summaries straight from the log files, without Python or the
# application, so the end-to-end test checks the application against an independent count.
# Prints one JSON object per day file, in the exact form the application's encoder writes
# (keys sorted); data/expected_summaries.jsonl was made with:
#   sh reference_summaries.sh data/day_*.log > data/expected_summaries.jsonl
#
# The status code is the second-to-last field of a Common Log Format line (the last is the size);
# when it is not three digits the line counts as "unparsed". The day is the date in the first line.
set -eu
for file in "$@"; do
    day=$(head -n 1 "$file" | awk '{ split(substr($4, 2), d, "[/:]"); print d[3], d[2], d[1] }' |
          awk 'BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", m, " "); for (i in m) n[m[i]] = i }
               { printf "%s-%02d-%s\n", $1, n[$2], $3 }')
    counts=$(tr -d '\r' < "$file" | awk 'NF > 0 { s = $(NF - 1); print (s ~ /^[0-9][0-9][0-9]$/) ? s : "unparsed" }' |
             LC_ALL=C sort | uniq -c | awk '{ printf "%s\"%s\": %d", (NR > 1 ? ", " : ""), $2, $1 }')
    printf '{"counts": {%s}, "day": "%s"}\n' "$counts" "$day"
done
