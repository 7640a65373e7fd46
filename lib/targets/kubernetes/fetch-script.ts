/**
 * The shell script of the model cache's fetch step: one writer per cache directory, and a
 * directory the server can read only once every file is in it.
 *
 * - A warm cache (`$MODEL_DIR/.complete`) is used as is.
 * - Writers take a lock, `mkdir "$MODEL_DIR.lock"`: `mkdir` either creates the directory or fails,
 *   atomically, on local disks and on NFS (EFS) alike (POSIX `mkdir(2)`; NFSv4.1 `CREATE`), which
 *   `flock` is not on every shared-volume driver. Pods that find the lock taken wait, and exit 0 as
 *   soon as the holder has completed the cache: a shared ReadWriteMany volume is filled once.
 * - The holder writes a heartbeat into the lock every poll; a lock whose heartbeat has not changed
 *   for `stalePolls` polls belongs to a pod that died (node loss, OOM kill) and is broken.
 *   Comparing heartbeat contents, not timestamps, needs no clock agreement between nodes.
 * - The holder fetches into `$MODEL_DIR.partial.<pod>`, writes `.complete` there only after every
 *   file (and the checksum) is in, and renames it to `$MODEL_DIR`: readers never see a directory
 *   that is being written, and a fetch that fails half-way leaves no `.complete` behind.
 *
 * The script is POSIX sh (BusyBox ash in the curl and ORAS images, bash in the AWS CLI image) and
 * uses only `mkdir`, `mv`, `rm`, `cat`, `sleep`, `dirname` and `kill`. The fetch command reads
 * `$MODEL_DIR` (then the partial directory) and must fail (non-zero) on any error.
 * @internal
 */
export interface FetchScriptOptions {
  /** The fetch: shell commands that write the weights into `$MODEL_DIR`. */
  readonly fetch: string;
  /** Seconds between two looks at the lock. @default 5 */
  readonly pollSeconds?: number;
  /** Polls without a new heartbeat after which a lock is stale. @default 24 (2 minutes at 5 s) */
  readonly stalePolls?: number;
}

/** Builds the fetch step's script (run with `sh -c`). @internal */
export function fetchScript(options: FetchScriptOptions): string {
  const poll = options.pollSeconds ?? 5;
  const stale = options.stalePolls ?? 24;
  return [
    'set -eu',
    'final="$MODEL_DIR"',
    'if [ -f "$final/.complete" ]; then echo "model cache is warm"; exit 0; fi',
    'me="${HOSTNAME:-$$}"',
    'lock="$final.lock"',
    'mkdir -p "$(dirname "$final")"',
    'last=""; still=0',
    'while ! mkdir "$lock" 2>/dev/null; do',
    '  if [ -f "$final/.complete" ]; then echo "model cache filled by another pod"; exit 0; fi',
    '  beat="$(cat "$lock/heartbeat" 2>/dev/null || true)"',
    '  if [ "$beat" = "$last" ]; then still=$((still + 1)); else still=0; last="$beat"; fi',
    `  if [ "$still" -ge ${stale} ]; then`,
    '    echo "breaking the stale lock $lock (heartbeat: $beat)"',
    '    if mv "$lock" "$lock.stale.$me" 2>/dev/null; then rm -rf "$lock.stale.$me"; fi',
    '    last=""; still=0',
    '  else',
    '    echo "waiting for the fetch that holds $lock"',
    `    sleep ${poll}`,
    '  fi',
    'done',
    'echo "$me" > "$lock/owner"',
    `( n=0; while [ -d "$lock" ]; do n=$((n + 1)); echo "$me $n" > "$lock/heartbeat" 2>/dev/null || exit 0; sleep ${poll}; done ) &`,
    'beater=$!',
    // on any exit: a failed fetch's partial directory goes (disk), then the lock, if still ours
    'release() {',
    '  kill "$beater" 2>/dev/null || true',
    '  rm -rf "$final.partial.$me"',
    '  if [ "$(cat "$lock/owner" 2>/dev/null || true)" = "$me" ]; then rm -rf "$lock"; fi',
    '}',
    'trap release EXIT',
    'trap "exit 143" TERM INT',
    'if [ -f "$final/.complete" ]; then echo "model cache filled by another pod"; exit 0; fi',
    // partial directories of dead pods: nobody else writes while the lock is held
    'rm -rf "$final".partial.*',
    'MODEL_DIR="$final.partial.$me"',
    'mkdir -p "$MODEL_DIR"',
    options.fetch,
    'touch "$MODEL_DIR/.complete"',
    'rm -rf "$final"',
    'mv "$MODEL_DIR" "$final"',
    'echo "model cache filled"',
  ].join('\n');
}
