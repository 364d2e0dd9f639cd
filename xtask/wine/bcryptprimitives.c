/* A stand-in for Windows' bcryptprimitives.dll under wine, which lacks it (wine 8.0).
 *
 * Rust's standard library on Windows gets its randomness from ProcessPrng in
 * bcryptprimitives.dll (Windows 10 and later); a binary that imports it does not start under a
 * wine without the DLL. This one function forwards to RtlGenRandom (SystemFunction036 in
 * advapi32), which wine implements with the host's CSPRNG. Built by `cargo xtask test` with
 * x86_64-w64-mingw32-gcc into the test's wine prefix only; never shipped. */
#include <windows.h>

#define RtlGenRandom SystemFunction036
BOOLEAN WINAPI RtlGenRandom(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom takes a 32-bit length: fill larger requests in chunks. */
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!RtlGenRandom(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
