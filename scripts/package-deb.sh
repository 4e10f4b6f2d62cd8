#!/usr/bin/env bash
# Build the Debian package of Benteng: dist/benteng_<version>_<arch>.deb.
#
#   scripts/package-deb.sh
#
# By default it builds the binary (`cargo build --release --locked -p benteng-cli`, inside
# the source tree so that .cargo/config.toml's SQLite flags apply) and packages
# $CARGO_TARGET_DIR/release/benteng (target/ when unset). No cargo-deb, no debhelper: the
# package is assembled in a staging tree from packaging/debian/ and built with
# `dpkg-deb --build --root-owner-group`. Needs dpkg-deb; uses dpkg-shlibdeps (dpkg-dev)
# for the library dependencies when it is there.
#
# Environment:
#   BENTENG_BIN=/path/to/benteng     package this binary, build nothing
#   BENTENG_DEB_DEPENDS="libc6 (>= 2.34), …"
#                                    the library dependencies, instead of computing them
#   BENTENG_DEB_MAINTAINER="Name <mail>"
#                                    the Maintainer field (default: git config user.name
#                                    and user.email, else a placeholder at example.org)
#   BENTENG_DEB_NOSTRIP=1            keep the binary's symbols (default: stripped)
#   BENTENG_DEB_OUT=DIR              where the .deb goes (default dist/)
#
# The last line of output is the path of the package. Its contents and the reasons behind
# them: packaging/debian/ and docs/install.md; scripts/package_check.sh tests it.
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."
pkg=packaging/debian

die() { echo "package-deb: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (apt-get install dpkg)"

# --- version, from [workspace.package] of Cargo.toml --------------------------------------
version=$(awk '/^\[workspace\.package\]/ {w=1; next} /^\[/ {w=0}
               w && $1 == "version" { gsub(/"/, "", $3); print $3; exit }' Cargo.toml)
[ -n "$version" ] || die "no version in [workspace.package] of Cargo.toml"
# A Cargo pre-release (1.2.0-rc.1) sorts before its release in Debian only with "~".
deb_version=${version//-/\~}

# --- the binary ---------------------------------------------------------------------------
if [ -n "${BENTENG_BIN:-}" ]; then
  bin=$BENTENG_BIN
  [ -f "$bin" ] || die "BENTENG_BIN=$bin does not exist"
else
  cargo build --release --locked -p benteng-cli --bin benteng
  bin=${CARGO_TARGET_DIR:-target}/release/benteng
fi
[ -x "$bin" ] || die "$bin is not an executable"
[ "$(head -c 4 "$bin" | od -An -c | tr -d ' ')" = '177ELF' ] || die "$bin is not an ELF binary"

# The architecture of the binary (not of this machine): e_machine in the ELF header.
machine=$(od -An -tu2 -j18 -N2 "$bin" | tr -d ' ')
case "$machine" in
  62) arch=amd64 ;;
  183) arch=arm64 ;;
  3) arch=i386 ;;
  243) arch=riscv64 ;;
  21) arch=ppc64el ;;
  22) arch=s390x ;;
  *) arch=$(dpkg --print-architecture) ;;
esac

# --- the staging tree ---------------------------------------------------------------------
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
tree=$stage/root
install -d -m 0755 "$tree/DEBIAN" "$tree/usr/bin" "$tree/etc/benteng" \
  "$tree/lib/systemd/system" "$tree/usr/share/doc/benteng/examples"

if [ -z "${BENTENG_DEB_NOSTRIP:-}" ] && command -v strip >/dev/null \
   && strip --strip-unneeded -o "$tree/usr/bin/benteng" "$bin" 2>/dev/null; then
  :
else
  cp "$bin" "$tree/usr/bin/benteng"
fi
chmod 0755 "$tree/usr/bin/benteng"

install -m 0640 "$pkg/benteng.toml" "$tree/etc/benteng/benteng.toml"
install -m 0644 "$pkg/benteng.service" "$pkg/benteng-worker.service" "$tree/lib/systemd/system/"

# Documentation. The region list, templates, styles and translations are compiled into the
# binary, so nothing else from the source tree is needed at run time.
doc=$tree/usr/share/doc/benteng
{
  cat "$pkg/copyright"
  # The DejaVu licence text in full, indented as the copyright format wants.
  sed -e 's/^[[:space:]]*$/./' -e 's/^/ /' crates/benteng-pdf/fonts/LICENSE-DejaVu.txt
} > "$doc/copyright"
install -m 0644 data/NOTICE "$doc/NOTICE.data"
for f in README.md docs/install.md docs/configuration.md docs/backup.md; do
  gzip -9nc "$f" > "$doc/$(basename "$f").gz"
done
install -m 0644 config/benteng.example.toml "$doc/examples/benteng.example.toml"

# A manual page made of the binary's own --help texts, so that it cannot drift from them
# (skipped when the binary cannot run here, e.g. another architecture).
troff() { sed -e 's/\\/\\e/g' -e 's/^\([.'\'']\)/\\\&\1/'; }
helps() { # the help of a command and of its subcommands, two levels deep
  local out
  out=$("$tree/usr/bin/benteng" "$@" --help) || return 1
  printf '.SS "benteng%s"\n.nf\n' "${*:+ $*}"
  troff <<<"$out"
  printf '.fi\n'
  [ $# -lt 2 ] || return 0
  awk '/^Commands:/ {c=1; next} /^$/ {c=0} c && $1 != "help" {print $1}' <<<"$out" |
    while read -r sub; do helps "$@" "$sub"; done
}
if "$tree/usr/bin/benteng" --version >/dev/null 2>&1; then
  install -d -m 0755 "$tree/usr/share/man/man1"
  {
    printf '.TH BENTENG 1 "" "benteng %s" "Benteng"\n' "$version"
    printf '.SH NAME\nbenteng \\- Desa Binaan Imigrasi: serve Benteng and run its operator commands\n'
    printf '.SH DESCRIPTION\n'
    printf 'The service runs \\fBbenteng serve\\fR (benteng.service). Operator commands must see the\n'
    printf 'same configuration: run them as the benteng user with\n'
    printf '\\fBBENTENG_CONFIG=/etc/benteng/benteng.toml\\fR, for example\n'
    printf '.IP\nsudo \\-u benteng BENTENG_CONFIG=/etc/benteng/benteng.toml benteng check\n.PP\n'
    printf 'Guides: /usr/share/doc/benteng/ (install.md.gz, configuration.md.gz, backup.md.gz).\n'
    printf '.SH COMMANDS\n'
    helps
  } | gzip -9n > "$tree/usr/share/man/man1/benteng.1.gz"
  chmod 0644 "$tree/usr/share/man/man1/benteng.1.gz"
fi

install -d -m 0755 "$tree/usr/share/lintian/overrides"
cat > "$tree/usr/share/lintian/overrides/benteng" <<'EOF'
# The configuration file is 0640 on purpose: it may hold secrets.
benteng: non-standard-file-perm 0640 != 0644 [etc/benteng/benteng.toml]
# A Rust binary links its crates statically. unsafe-libyaml (through serde_yaml) is a Rust
# translation of libyaml; skrifa, a font crate of the PDF typesetting, carries FreeType's
# list of fonts that rely on hinting, not FreeType. Neither is the C library Debian ships.
benteng: embedded-library freetype [usr/bin/benteng]
benteng: embedded-library libyaml [usr/bin/benteng]
EOF
chmod 0644 "$tree/usr/share/lintian/overrides/benteng"

# Time stamps from the last commit, so that two builds of one commit are the same.
if epoch=$(git log -1 --format=%ct 2>/dev/null) && [ -n "$epoch" ]; then
  commit=$(git rev-parse --short HEAD)
  dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | head -c1)
else
  epoch=$(date +%s) commit=unknown dirty=
fi
export SOURCE_DATE_EPOCH=$epoch
# The Maintainer: the packager's git identity when set, else a placeholder.
if [ -z "${BENTENG_DEB_MAINTAINER:-}" ] && name=$(git config user.name 2>/dev/null) \
   && mail=$(git config user.email 2>/dev/null); then
  BENTENG_DEB_MAINTAINER="$name <$mail>"
fi
maintainer=${BENTENG_DEB_MAINTAINER:-Benteng maintainers <benteng@example.org>}
{
  echo "benteng ($deb_version) unstable; urgency=medium"
  echo
  echo "  * Built from commit $commit${dirty:+ (with uncommitted changes)} of the"
  echo "    Benteng source tree; its git log lists the changes."
  echo
  echo " -- $maintainer  $(LC_ALL=C date -u -R -d "@$epoch")"
} | gzip -9n > "$doc/changelog.gz"
find "$doc" -type f -exec chmod 0644 {} +

# --- maintainer scripts and control -------------------------------------------------------
install -m 0755 "$pkg/postinst" "$pkg/prerm" "$pkg/postrm" "$tree/DEBIAN/"
install -m 0644 "$pkg/conffiles" "$tree/DEBIAN/conffiles"

# Library dependencies: dpkg-shlibdeps when it can tell (it needs a debian/control to look
# at, and the libraries installed here for the binary's architecture); else from the
# binary's NEEDED entries and the newest glibc symbol version it uses.
shlibs=${BENTENG_DEB_DEPENDS:-}
if [ -z "$shlibs" ] && command -v dpkg-shlibdeps >/dev/null; then
  mkdir -p "$stage/src/debian"
  printf 'Source: benteng\n\nPackage: benteng\nArchitecture: any\n' > "$stage/src/debian/control"
  shlibs=$(cd "$stage/src" && dpkg-shlibdeps -O "$tree/usr/bin/benteng" 2>/dev/null \
    | sed -n 's/^shlibs:Depends=//p') || shlibs=
fi
if [ -z "$shlibs" ]; then
  command -v objdump >/dev/null || die "neither dpkg-shlibdeps nor objdump: set BENTENG_DEB_DEPENDS"
  glibc=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
  shlibs="libc6 (>= ${glibc:-2.31})"
  for lib in $(objdump -p "$bin" | awk '$1 == "NEEDED" { print $2 }'); do
    case "$lib" in
      libc.so.6|libm.so.6|libpthread.so.0|libdl.so.2|librt.so.1|ld-linux*) ;;
      libgcc_s.so.1) shlibs="$shlibs, libgcc-s1 (>= 4.2)" ;;
      *) die "the binary needs $lib, which this script cannot map to a package: set BENTENG_DEB_DEPENDS" ;;
    esac
  done
fi

installed_size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
sed -e "s|@VERSION@|$deb_version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
    -e "s|@INSTALLED_SIZE@|$installed_size|" -e "s|@SHLIBS@|$shlibs|" \
    "$pkg/control.in" > "$tree/DEBIAN/control"
(cd "$tree" && find . -path ./DEBIAN -prune -o -type f ! -path './etc/*' -printf '%P\0' \
  | sort -z | xargs -0 md5sum) > "$tree/DEBIAN/md5sums"
chmod 0644 "$tree/DEBIAN/md5sums"

find "$tree" -exec touch -h -d "@$epoch" {} +

# --- build --------------------------------------------------------------------------------
out=${BENTENG_DEB_OUT:-dist}
mkdir -p "$out"
deb=$out/benteng_${deb_version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$tree" "$deb" >/dev/null
echo "package-deb: $(du -h "$deb" | cut -f1) (installed $((installed_size / 1024)) MB)," \
  "version $deb_version, $arch, Depends: adduser, $shlibs"
echo "$deb"
