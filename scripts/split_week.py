#!/usr/bin/env python3
"""split_week.py LOGBOOK_DIR TO HIST_DIR WEEK_CSV: copies the simulator's
logbook_*.csv into HIST_DIR without the rows received in the 7 days ending at
TO (yyyy-mm-dd), and writes those rows, with the header, to WEEK_CSV: the
weekly run then ingests one week's file on top of the history."""
import csv, datetime, glob, os, sys

src, to, hist, week = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
end = datetime.date.fromisoformat(to)
start = end - datetime.timedelta(days=6)
os.makedirs(hist, exist_ok=True)
wf = open(week, "w", newline="", encoding="utf-8")
ww = csv.writer(wf, lineterminator="\n")
header_done = False
for p in sorted(glob.glob(os.path.join(src, "logbook_*.csv"))):
    with open(p, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    hi = next(i for i, r in enumerate(rows) if len(r) > 5 and r[0].strip().upper() == "STT")
    keep, moved = rows[: hi + 1], []
    for r in rows[hi + 1 :]:
        try:
            d = datetime.datetime.strptime(r[2].strip(), "%d/%m/%Y").date()
        except (ValueError, IndexError):
            d = None
        (moved if d is not None and start <= d <= end else keep).append(r)
    if not header_done:
        ww.writerow(rows[hi]); header_done = True
    ww.writerows(moved)
    with open(os.path.join(hist, os.path.basename(p)), "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(keep)
wf.close()
