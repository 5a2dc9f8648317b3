#!/bin/sh
# check_exports.sh LIB: libcertkit.so is sealed.
#  - It exports only certkit_* functions (plus the version node of certkit.map).
#  - It needs nothing of BoringSSL or abseil at run time: no such NEEDED entry,
#    and every symbol it imports carries a library version (glibc, libstdc++,
#    libgcc), so none can bind to another library's BoringSSL/OpenSSL/abseil.
#  - Its SONAME is libcertkit.so.0.
set -eu
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^certkit_' | grep -v '^CERTKIT_0$' || true)
if [ -n "$bad" ]; then
  echo "libcertkit.so exports symbols outside the C ABI:"
  echo "$bad" | head -20
  exit 1
fi
count=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -c '^certkit_')
if [ "$count" -lt 150 ]; then
  echo "only $count certkit_* symbols exported"
  exit 1
fi
needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
echo "NEEDED: $(echo $needed)"
for n in $needed; do
  case "$n" in
    libc.so.*|libm.so.*|libstdc++.so.*|libgcc_s.so.*|ld-linux*|libpthread.so.*|libdl.so.*) ;;
    # Sanitizer builds link their runtimes.
    libasan.so.*|libubsan.so.*|libtsan.so.*) ;;
    *) echo "unexpected run-time dependency: $n"; exit 1 ;;
  esac
done
# A sanitizer build imports libc through the sanitizer runtime, unversioned
# (its interceptors): the import check is for release builds.
sanitized=0
case " $(echo $needed) " in *" libasan.so"*|*" libubsan.so"*|*" libtsan.so"*) sanitized=1 ;; esac
# Imported symbols without a version would bind to whichever library in the
# process defines them first (how OpenSSL's BN_* once replaced BoringSSL's).
# Weak hooks (__gmon_start__, _ITM_*, __cxa_finalize) and sanitizer entry
# points are the only unversioned imports allowed.
loose=$(nm -D --undefined-only "$lib" | awk '{print $2}' | grep -v '@' \
  | grep -Ev '^(__gmon_start__|_ITM_.*|__cxa_finalize|__(asan|ubsan|sanitizer|lsan|tsan)_.*|_Jv_RegisterClasses)$' || true)
if [ -n "$loose" ] && [ "$sanitized" = 0 ]; then
  echo "libcertkit.so imports unversioned symbols:"
  echo "$loose" | head -20
  exit 1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$soname" != "libcertkit.so.0" ]; then
  echo "unexpected SONAME '$soname'"
  exit 1
fi
echo "ok: $count certkit_* symbols, SONAME $soname, sealed (no BoringSSL/abseil needed or imported)"
