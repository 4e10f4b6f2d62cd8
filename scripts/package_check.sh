#!/usr/bin/env bash
# Test the Debian package of Benteng (scripts/package-deb.sh).
#
#   scripts/package_check.sh [--install] [--strace] [BINARY]
#
# Builds dist/benteng_<version>_<arch>.deb from BINARY (else $BENTENG_BIN, else a release
# build by package-deb.sh) and checks it without installing: the control fields, every path
# with its owner and mode, the conffiles, the maintainer scripts (`sh -n`), the shipped
# configuration (loaded by the binary itself, with `benteng check` on a scratch folder), the
# units (`systemd-analyze verify`, and `systemd-analyze security --offline` under an
# exposure of 2.0), and lintian when it is installed.
#
# --install (root, on a machine without Benteng: no package, user or folders of that name)
# then installs it with dpkg and, as the benteng user with the unit's environment: runs
# `benteng check`, shows that a broken setting makes it fail, starts `benteng serve`, waits
# for /healthz, stops it with SIGTERM; then removes and purges the package and checks what
# stays each time; then installs and purges once more on an empty data folder, which must
# leave nothing. It removes everything it made, and prints the times it measured. systemd
# need not be running: the service is started by hand, as the unit would start it.
#
# --strace (with --install) runs `check` and `serve` under strace and compares their system
# calls and socket families with the unit's SystemCallFilter= and RestrictAddressFamilies=,
# and looks for writable+executable memory (MemoryDenyWriteExecute=).
set -euo pipefail
cd "$(dirname "$0")/.."

install_test= strace_test= bin=${BENTENG_BIN:-}
for a in "$@"; do
  case "$a" in
    --install) install_test=1 ;;
    --strace) strace_test=1 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $a" >&2; exit 2 ;;
    *) bin=$a ;;
  esac
done

fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null; then ok "$what"; else bad "$what"; fi; }
section() { echo; echo "== $*"; }
secs() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }

work=$(mktemp -d)
cleanup_work() { rm -rf "$work"; }
trap cleanup_work EXIT

# --- build --------------------------------------------------------------------------------
section "build"
t0=$(date +%s.%N)
if [ -n "$bin" ]; then
  deb=$(BENTENG_BIN=$bin scripts/package-deb.sh | tee "$work/build.log" | tail -n1)
else
  deb=$(scripts/package-deb.sh | tee "$work/build.log" | tail -n1)
fi
sed '$d' "$work/build.log"
echo "built $deb in $(secs "$t0") s, $(stat -c %s "$deb") bytes"

# --- the package, not installed -----------------------------------------------------------
section "control"
dpkg-deb -I "$deb" > "$work/info"
field() { dpkg-deb -f "$deb" "$1"; }
check "Package is benteng" test "$(field Package)" = benteng
version=$(awk '/^\[workspace\.package\]/ {w=1; next} /^\[/ {w=0}
               w && $1 == "version" { gsub(/"/, "", $3); print $3; exit }' Cargo.toml)
check "Version $(field Version) is the workspace's $version" test "$(field Version)" = "${version//-/\~}"
check "Architecture $(field Architecture)" test -n "$(field Architecture)"
depends=$(field Depends)
check "Depends: $depends (adduser and libc6 with a version)" \
  grep -Eq '(^|, )adduser(,|$).*libc6 \(>= [0-9.]+\)' <<<"$depends"
check "Installed-Size $(field Installed-Size) KiB" test "$(field Installed-Size)" -gt 0
echo "Suggests: $(field Suggests)"

section "contents"
dpkg-deb -c "$deb" > "$work/contents"
expect() { # mode owner path
  if grep -Eq "^$1 $2 +[0-9]+ [0-9-]+ [0-9:]+ \./$3\$" "$work/contents"; then ok "$1 $2 /$3"
  else bad "/$3 with $1 $2, found: $(grep " \./$3\$" "$work/contents" || echo nothing)"; fi
}
expect -rwxr-xr-x root/root usr/bin/benteng
expect -rw-r----- root/root etc/benteng/benteng.toml
expect -rw-r--r-- root/root lib/systemd/system/benteng.service
expect -rw-r--r-- root/root lib/systemd/system/benteng-worker.service
expect -rw-r--r-- root/root usr/share/doc/benteng/copyright
expect -rw-r--r-- root/root usr/share/doc/benteng/changelog.gz
expect -rw-r--r-- root/root usr/share/doc/benteng/install.md.gz
expect -rw-r--r-- root/root usr/share/doc/benteng/examples/benteng.example.toml
expect -rw-r--r-- root/root usr/share/man/man1/benteng.1.gz
outside=$(awk '{print $6}' "$work/contents" | grep -Ev '^\./($|etc/$|etc/benteng/|lib/$|lib/systemd/$|lib/systemd/system/|usr/$|usr/bin/|usr/share/$|usr/share/doc/$|usr/share/doc/benteng/|usr/share/man/$|usr/share/man/man1/$|usr/share/man/man1/benteng\.1\.gz$|usr/share/lintian/$|usr/share/lintian/overrides/$|usr/share/lintian/overrides/benteng$)' | tr '\n' ' ' || true)
check "nothing outside /usr/bin, /etc/benteng, /lib/systemd/system, /usr/share/{doc,man,lintian}${outside:+: $outside}" test -z "$outside"
check "everything owned by root/root" test -z "$(awk '$2 != "root/root"' "$work/contents")"
check "no /var in the package (postinst makes /var/lib/benteng)" test -z "$(grep ' \./var/' "$work/contents" || true)"

section "maintainer scripts and conffiles"
mkdir "$work/ctl" "$work/data"
dpkg-deb -e "$deb" "$work/ctl"
dpkg-deb -x "$deb" "$work/data"
check "conffiles lists exactly /etc/benteng/benteng.toml" \
  test "$(cat "$work/ctl/conffiles")" = /etc/benteng/benteng.toml
while read -r f; do check "conffile $f is in the package" test -f "$work/data$f"; done < "$work/ctl/conffiles"
for s in postinst prerm postrm; do
  check "$s: executable, #!/bin/sh, sh -n" \
    sh -c "test -x '$work/ctl/$s' && head -n1 '$work/ctl/$s' | grep -qx '#!/bin/sh' && sh -n '$work/ctl/$s'"
  if command -v checkbashisms >/dev/null; then check "$s: checkbashisms" checkbashisms "$work/ctl/$s"; fi
done
check "md5sums match the files" sh -c "cd '$work/data' && md5sum --quiet -c '$work/ctl/md5sums'"

section "the shipped configuration, read by the binary"
mkdir "$work/scratch"
if BENTENG_DATABASE_URL="sqlite://$work/scratch/b.db" BENTENG_UPLOAD_DIR="$work/scratch/uploads" \
   BENTENG_BACKUP_DIR="$work/scratch/backups" \
   "$work/data/usr/bin/benteng" --config "$work/data/etc/benteng/benteng.toml" check > "$work/check.out" 2>&1; then
  ok "benteng --config benteng.toml check (paths moved to a scratch folder) exits 0"
else
  bad "benteng check on the shipped configuration:"; cat "$work/check.out"
fi
check "the binary reports the version $version" \
  sh -c "'$work/data/usr/bin/benteng' --version | grep -q ' $version\$'"

section "systemd units"
if command -v systemd-analyze >/dev/null; then
  # verify checks that the commands exist: point them at the binary in the package.
  mkdir "$work/units"
  for u in benteng.service benteng-worker.service; do
    sed "s|/usr/bin/benteng|$work/data/usr/bin/benteng|g" "$work/data/lib/systemd/system/$u" > "$work/units/$u"
    if out=$(systemd-analyze verify --man=no "$work/units/$u" 2>&1) && [ -z "$out" ]; then
      ok "systemd-analyze verify $u"
    else
      bad "systemd-analyze verify $u: $out"
    fi
    if systemd-analyze security --offline=yes --root="$work/data" --threshold=20 \
         "/lib/systemd/system/$u" > "$work/security" 2>&1; then
      ok "systemd-analyze security $u: $(grep -o 'Overall exposure level.*' "$work/security")"
    else
      bad "systemd-analyze security $u: $(tail -n1 "$work/security")"
    fi
  done
else
  echo "skip: systemd-analyze is not installed"
fi

section "docs/install.md tells the truth about the package"
doc_unit=$(awk '/^```ini$/ {b=1; buf=""; next}
                b && /^```$/ {b=0; if (buf ~ /ExecStart=\/usr\/bin\/benteng serve/) {printf "%s", buf; exit}; next}
                b {buf = buf $0 "\n"}' docs/install.md)
check "the unit shown in section 3 is the shipped benteng.service" \
  test "$doc_unit" = "$(sed -n '/^\[Unit\]/,$p' "$work/data/lib/systemd/system/benteng.service")"
doc_toml=$(awk '/^```toml$/ {b=1; buf=""; next}
                b && /^```$/ {b=0; if (buf ~ /database_url = "sqlite:\/\/\/var\/lib\/benteng/) {printf "%s", buf; exit}; next}
                b {buf = buf $0 "\n"}' docs/install.md)
missing=$(grep -vxF -f "$work/data/etc/benteng/benteng.toml" <<<"$doc_toml" | tr '\n' ' ' || true)
check "every line of the configuration shown in section 1 is in the shipped one${missing:+; not: $missing}" \
  test -n "$doc_toml" -a -z "$missing"

section "lintian"
if command -v lintian >/dev/null; then
  lintian --info --no-tag-display-limit "$deb" > "$work/lintian" 2>&1 || true
  if grep -q '^E:' "$work/lintian"; then bad "lintian errors"; else ok "lintian: no errors"; fi
  grep -E '^[EWI]:' "$work/lintian" | cut -c1-160 | sort -u || true
else
  echo "skip: lintian is not installed (apt-get install lintian)"
fi

if [ -z "$install_test" ]; then
  echo
  [ "$fails" = 0 ] && echo "package_check: all checks passed ($deb)" || echo "package_check: $fails failed"
  exit $((fails > 0))
fi

# --- install, run, remove, purge ----------------------------------------------------------
[ "$(id -u)" = 0 ] || { echo "--install needs root" >&2; exit 2; }
if dpkg -s benteng >/dev/null 2>&1 || getent passwd benteng >/dev/null || getent group benteng >/dev/null \
   || [ -e /var/lib/benteng ] || [ -e /etc/benteng ] || [ -L /etc/systemd/system/benteng.service ] \
   || [ -e /etc/systemd/system/benteng.service ] \
   || [ -L /etc/systemd/system/multi-user.target.wants/benteng.service ]; then
  echo "--install: this machine already has a benteng package, user, group or folder; refusing to touch it" >&2
  exit 2
fi
if [ -n "$strace_test" ] && ! command -v strace >/dev/null; then
  echo "--strace needs strace (apt-get install strace)" >&2; exit 2
fi

pid=
cleanup_machine() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  dpkg -P benteng >/dev/null 2>&1 || true
  rm -rf /var/lib/benteng /etc/benteng
  rm -f /etc/systemd/system/multi-user.target.wants/benteng.service /etc/systemd/system/benteng.service
  getent passwd benteng >/dev/null && userdel benteng || true
  getent group benteng >/dev/null && groupdel benteng || true
  cleanup_work
}
trap cleanup_machine EXIT

as_benteng() { # the unit's user, working directory, umask and environment
  (cd /var/lib/benteng && umask 0027 && \
   setpriv --reuid=benteng --regid=benteng --init-groups --no-new-privs \
     --inh-caps=-all --bounding-set=-all -- \
     env -i PATH=/usr/bin:/bin HOME=/var/lib/benteng LANG=C.UTF-8 \
       BENTENG_CONFIG=/etc/benteng/benteng.toml "$@")
}

section "install"
t0=$(date +%s.%N)
dpkg -i "$deb" > "$work/install.log" 2>&1 || { cat "$work/install.log"; bad "dpkg -i"; exit 1; }
echo "dpkg -i took $(secs "$t0") s; its output:"; sed 's/^/  | /' "$work/install.log"
IFS=: read -r _ _ uid gid _ home shell < <(getent passwd benteng)
check "system user benteng (uid $uid < 1000, home $home, shell $shell)" \
  test "$uid" -lt 1000 -a "$home" = /var/lib/benteng -a "$shell" = /usr/sbin/nologin
check "group benteng is its primary group" test "$(getent group benteng | cut -d: -f3)" = "$gid"
check "/var/lib/benteng is benteng:benteng 0750" test "$(stat -c '%U:%G %a' /var/lib/benteng)" = "benteng:benteng 750"
check "uploads/ and backups/ made" test -d /var/lib/benteng/uploads -a -d /var/lib/benteng/backups
check "/etc/benteng/benteng.toml is root:benteng 0640" \
  test "$(stat -c '%U:%G %a' /etc/benteng/benteng.toml)" = "root:benteng 640"
check "the service is not enabled (systemctl is-enabled: $(systemctl is-enabled benteng.service 2>&1 || true))" \
  test "$(systemctl is-enabled benteng.service 2>/dev/null || true)" = disabled
check "benteng --version as an unprivileged user: $(as_benteng benteng --version)" as_benteng benteng --version
# The operator enables it (systemctl enable only makes links; systemd need not run).
wants=/etc/systemd/system/multi-user.target.wants/benteng.service
systemctl enable benteng.service >/dev/null 2>&1 || true
check "systemctl enable benteng links it" test -L "$wants"
if command -v systemd-analyze >/dev/null; then
  check "systemd-analyze verify of the installed units" \
    sh -c 'test -z "$(systemd-analyze verify --man=no benteng.service benteng-worker.service 2>&1)"'
fi
echo "systemd is PID 1: $( [ -d /run/systemd/system ] && echo yes || echo "no ($(ps -p1 -o comm=))")"

section "upgrade (the same package again): the operator's configuration and its mode stay"
echo 'public_url = "https://benteng.example.go.id"' >> /etc/benteng/benteng.toml
t0=$(date +%s.%N)
dpkg -i "$deb" > "$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log"; bad "dpkg -i over itself"; }
echo "dpkg -i over the installed package took $(secs "$t0") s"
check "it says the running service keeps the old version until restarted" \
  grep -q 'still runs the old version' "$work/upgrade.log"
check "the operator's change to benteng.toml is kept" \
  grep -qx 'public_url = "https://benteng.example.go.id"' /etc/benteng/benteng.toml
check "benteng.toml is still root:benteng 0640" \
  test "$(stat -c '%U:%G %a' /etc/benteng/benteng.toml)" = "root:benteng 640"
check "still enabled ($(systemctl is-enabled benteng.service 2>&1 || true))" \
  test "$(systemctl is-enabled benteng.service 2>/dev/null || true)" = enabled

section "benteng check as the benteng user (the unit's ExecStartPre)"
st=ok
t0=$(date +%s.%N)
if [ -n "$strace_test" ]; then
  as_benteng strace -f -qq -o /var/lib/benteng/.strace-check benteng check > "$work/check.out" 2>&1 || st=fail
else
  as_benteng benteng check > "$work/check.out" 2>&1 || st=fail
fi
sed 's/^/  | /' "$work/check.out"
check "benteng check exits 0 on a fresh install ($(secs "$t0") s)" test "$st" = ok
if as_benteng env BENTENG_UPLOAD_DIR=/etc/benteng/uploads benteng check > "$work/check-bad.out" 2>&1; then
  bad "benteng check with upload_dir under /etc should fail"
else
  ok "benteng check refuses an upload_dir the service cannot write (exit $?):"
  grep MASALAH "$work/check-bad.out" | sed 's/^/  | /'
fi

section "benteng serve as the benteng user (the unit's ExecStart)"
port=$((20000 + RANDOM % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
t0=$(date +%s.%N)
if [ -n "$strace_test" ]; then
  as_benteng env BENTENG_BIND="127.0.0.1:$port" \
    strace -f -qq -o /var/lib/benteng/.strace-serve benteng serve > "$work/serve.out" 2>&1 &
else
  as_benteng env BENTENG_BIND="127.0.0.1:$port" benteng serve > "$work/serve.out" 2>&1 &
fi
pid=$!
healthy=
for _ in $(seq 1 600); do
  if body=$(curl -sf "http://127.0.0.1:$port/healthz" 2>/dev/null); then healthy=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.5
done
if [ -n "$healthy" ]; then
  ok "/healthz answered after $(secs "$t0") s: $body"
else
  bad "/healthz did not answer; serve's output:"; sed 's/^/  | /' "$work/serve.out"
fi
check "the first start printed the admin password once on standard output" \
  grep -q 'first account created' "$work/serve.out"
for path in / /panduan /lapor /cek-tawaran /kegiatan /api/v1/openapi.json /manifest.webmanifest; do
  check "GET $path answers 200" sh -c "curl -sf -o /dev/null 'http://127.0.0.1:$port$path'"
done
# A public report: a write through the whole stack, as a resident would send it.
answer=$(curl -s -w ' %{http_code}' -H 'content-type: application/json' \
  -d '{"category":"rekrutmen","description":"Uji paket: calo menawarkan kerja ke luar negeri tanpa pelatihan","region_code":"35.07.04.2007"}' \
  "http://127.0.0.1:$port/api/v1/public/reports" || true)
check "POST /api/v1/public/reports is stored (${answer##* })" grep -Eq ' 20[01]$' <<<"$answer"
spid=$(pgrep -u benteng -x benteng | head -n1 || true)
if [ -n "$spid" ]; then
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$spid/status")
  echo "serve: pid $spid, resident memory $((rss / 1024)) MB"
  wx=$(awk '$2 ~ /w.x|wx/ || ($2 ~ /x/ && $6 == "")' "/proc/$spid/maps")
  check "no writable+executable or anonymous executable memory (MemoryDenyWriteExecute)" test -z "$wx"
fi
t0=$(date +%s.%N)
kill -TERM "${spid:-$pid}"
st=0; wait "$pid" || st=$?
pid=
check "SIGTERM stops serve within $(secs "$t0") s, exit $st" test "$st" = 0
# The admin password is in this output (the journal would hold it too); not shown here,
# and the file goes with the work folder.
grep -v 'password:' "$work/serve.out" | tail -n 8 | sed 's/^/  | /'
section "benteng backup as the benteng user (the worker's daily backup does the same)"
t0=$(date +%s.%N)
st=ok
if [ -n "$strace_test" ]; then
  as_benteng strace -f -qq -o /var/lib/benteng/.strace-backup \
    benteng backup --out /var/lib/benteng/backups/package-check.zip > "$work/backup.out" 2>&1 || st=fail
else
  as_benteng benteng backup --out /var/lib/benteng/backups/package-check.zip > "$work/backup.out" 2>&1 || st=fail
fi
check "benteng backup exits 0 ($(secs "$t0") s, $(du -h /var/lib/benteng/backups/package-check.zip 2>/dev/null | cut -f1))" test "$st" = ok
verify=$(as_benteng benteng backup verify /var/lib/benteng/backups/package-check.zip 2>&1) && st=ok || st=fail
check "benteng backup verify: $verify" test "$st" = ok
[ "$st" = ok ] || sed 's/^/  | /' "$work/backup.out"

echo "/var/lib/benteng after the first start:"
ls -la /var/lib/benteng | sed 's/^/  | /'
check "everything in /var/lib/benteng belongs to benteng" \
  test -z "$(find /var/lib/benteng ! -user benteng -o ! -group benteng)"
check "no file in /var/lib/benteng readable by others (UMask=0027)" \
  test -z "$(find /var/lib/benteng -perm -o=r ! -name '.strace-*')"
echo "database: $(du -h /var/lib/benteng/benteng.db | cut -f1)"

if [ -n "$strace_test" ]; then
  section "system calls (SystemCallFilter=@system-service ~@privileged @resources)"
  expand() { # a systemd syscall group, recursively
    systemd-analyze syscall-filter "$1" | awk 'NR > 1 && $1 !~ /^#/ {print $1}' | while read -r s; do
      case "$s" in @*) expand "$s" ;; *) echo "$s" ;; esac
    done
  }
  expand @system-service | sort -u > "$work/allowed"
  { expand @privileged; expand @resources; } | sort -u > "$work/denied"
  for t in check serve backup; do
    sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p' "/var/lib/benteng/.strace-$t" | sort -u > "$work/used-$t"
    notallowed=$(comm -23 "$work/used-$t" "$work/allowed" | tr '\n' ' ')
    denied=$(comm -12 "$work/used-$t" "$work/denied" | tr '\n' ' ')
    echo "$t: $(wc -l < "$work/used-$t") different system calls"
    check "$t: every call is in @system-service${notallowed:+; not: $notallowed}" test -z "$notallowed"
    check "$t: none in @privileged or @resources${denied:+; but: $denied}" test -z "$denied"
    fam=$(grep -oE 'socket\(AF_[A-Z0-9]+' "/var/lib/benteng/.strace-$t" | sed 's/socket(//' | sort -u | tr '\n' ' ' || true)
    other=$(tr ' ' '\n' <<<"$fam" | grep -Ev '^(AF_INET|AF_INET6|AF_UNIX|)$' | tr '\n' ' ' || true)
    check "$t: socket families ${fam:-none} within AF_INET AF_INET6 AF_UNIX" test -z "$other"
    execs=$(grep -oE 'execve\("[^"]+"' "/var/lib/benteng/.strace-$t" | sed 's/execve(//' | sort -u | tr '\n' ' ' || true)
    echo "$t: programs started: $execs"
  done
  rm -f /var/lib/benteng/.strace-*
fi

section "dpkg -r (remove)"
t0=$(date +%s.%N)
dpkg -r benteng > "$work/remove.log" 2>&1 || { cat "$work/remove.log"; bad "dpkg -r"; }
echo "dpkg -r took $(secs "$t0") s"
check "status: deinstall ok config-files" \
  test "$(dpkg-query -W -f '${Status}' benteng 2>/dev/null)" = "deinstall ok config-files"
check "/usr/bin/benteng and the units are gone" \
  test ! -e /usr/bin/benteng -a ! -e /lib/systemd/system/benteng.service -a ! -e /lib/systemd/system/benteng-worker.service
check "the configuration stays" test -f /etc/benteng/benteng.toml
check "the data stays" test -f /var/lib/benteng/benteng.db
check "the user stays" sh -c "getent passwd benteng >/dev/null"
check "the operator's enable link stays, the unit masked (as dh_installsystemd does)" \
  test -L "$wants" -a "$(readlink /etc/systemd/system/benteng.service 2>/dev/null)" = /dev/null

section "install again after remove: it comes back enabled, then remove again"
dpkg -i "$deb" > "$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log"; bad "dpkg -i again"; }
check "enabled again and no longer masked ($(systemctl is-enabled benteng.service 2>&1 || true))" \
  test "$(systemctl is-enabled benteng.service 2>/dev/null || true)" = enabled
check "the configuration and the data were kept" test -f /etc/benteng/benteng.toml -a -f /var/lib/benteng/benteng.db
dpkg -r benteng > "$work/remove.log" 2>&1 || { cat "$work/remove.log"; bad "dpkg -r"; }

section "dpkg -P (purge) with data"
t0=$(date +%s.%N)
dpkg -P benteng > "$work/purge.log" 2>&1 || { cat "$work/purge.log"; bad "dpkg -P"; }
echo "dpkg -P took $(secs "$t0") s; its output:"; sed 's/^/  | /' "$work/purge.log"
check "the package is gone" sh -c '! dpkg-query -W benteng >/dev/null 2>&1'
check "/etc/benteng is gone" test ! -e /etc/benteng
check "the enable link and the mask are gone" \
  test ! -e "$wants" -a ! -L "$wants" -a ! -L /etc/systemd/system/benteng.service
check "the database is kept: $(ls /var/lib/benteng | tr '\n' ' ')" test -f /var/lib/benteng/benteng.db
check "the user that owns it is kept" sh -c "getent passwd benteng >/dev/null"
rm -rf /var/lib/benteng
userdel benteng
getent group benteng >/dev/null && groupdel benteng

section "install and purge, nothing written"
t0=$(date +%s.%N)
dpkg -i "$deb" > "$work/install2.log" 2>&1 || { cat "$work/install2.log"; bad "dpkg -i"; }
t1=$(date +%s.%N)
dpkg -P benteng > "$work/purge2.log" 2>&1 || { cat "$work/purge2.log"; bad "dpkg -P"; }
echo "dpkg -i $(secs "$t0") s (with the user already gone), dpkg -P $(secs "$t1") s"
check "the user and group are removed" sh -c '! getent passwd benteng && ! getent group benteng'
check "/var/lib/benteng and /etc/benteng are removed" test ! -e /var/lib/benteng -a ! -e /etc/benteng

trap cleanup_work EXIT
echo
[ "$fails" = 0 ] && echo "package_check: all checks passed ($deb)" || echo "package_check: $fails failed"
exit $((fails > 0))
