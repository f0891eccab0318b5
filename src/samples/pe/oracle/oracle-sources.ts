/**
 * Source texts of the programs the pefile oracle test compiles with mingw-w64:
 * a console program and a DLL, their windres scripts (string tables, VERSIONINFO
 * and custom resources in Chinese, Russian, English and Korean) and .def files.
 * The programs are harmless fixtures and are never run: only their bytes are read.
 */

/** Console program: imports from kernel32, user32, advapi32 and ws2_32 (by ordinal via WS2_32_ORDINALS). */
export const APP_C = String.raw`#include <winsock2.h>
#include <windows.h>
#include <stdio.h>

#define IDS_GREETING 1
#define IDS_FAREWELL 2

int main(void) {
  wchar_t buf[128];
  WSADATA wsa;
  HKEY key;
  HMODULE self = GetModuleHandleW(NULL);
  int n = LoadStringW(self, IDS_GREETING, buf, 128);
  HRSRC ver = FindResourceW(self, MAKEINTRESOURCEW(1), (LPCWSTR)RT_VERSION);
  printf("%d %p %lu\n", n, (void *)ver, (unsigned long)GetTickCount());
  if (WSAStartup(MAKEWORD(2, 2), &wsa) == 0) {
    printf("%u %lu\n", (unsigned)htons(8080), (unsigned long)ntohl(0x0100007fUL));
    WSACleanup();
  }
  if (RegOpenKeyExW(HKEY_CURRENT_USER, L"Software\\Sightline\\Fixture", 0, KEY_READ, &key) == ERROR_SUCCESS) {
    RegCloseKey(key);
  }
  return 0;
}
`;

/** The program's resources: RT_STRING in 1033/2052/1049/1042, RT_VERSION in 1033 and 2052, RCDATA and custom types. */
export const APP_RC = String.raw`#pragma code_page(65001)
#include <windows.h>

#define IDS_GREETING 1
#define IDS_FAREWELL 2
#define IDS_ABOUT 17

LANGUAGE LANG_ENGLISH, SUBLANG_ENGLISH_US
STRINGTABLE
BEGIN
  IDS_GREETING "Hello from the Sightline fixture"
  IDS_FAREWELL "Goodbye"
  IDS_ABOUT "Built by mingw-w64 for the pefile oracle tests"
END

LANGUAGE LANG_CHINESE, SUBLANG_CHINESE_SIMPLIFIED
STRINGTABLE
BEGIN
  IDS_GREETING "你好，来自测试程序"
  IDS_FAREWELL "再见"
END

LANGUAGE LANG_RUSSIAN, SUBLANG_DEFAULT
STRINGTABLE
BEGIN
  IDS_GREETING "Привет от тестовой программы"
  IDS_FAREWELL "До свидания"
END

LANGUAGE LANG_KOREAN, SUBLANG_DEFAULT
STRINGTABLE
BEGIN
  IDS_GREETING "테스트 프로그램에서 안녕하세요"
END

LANGUAGE LANG_ENGLISH, SUBLANG_ENGLISH_US
1 VERSIONINFO
FILEVERSION 1,2,3,4
PRODUCTVERSION 1,2,0,0
FILEFLAGSMASK 0x3fL
FILEFLAGS 0x0L
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_APP
FILESUBTYPE 0x0L
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904b0"
    BEGIN
      VALUE "CompanyName", "Sightline Test Fixtures"
      VALUE "FileDescription", "mingw-w64 oracle fixture"
      VALUE "FileVersion", "1.2.3.4"
      VALUE "InternalName", "oracle-app"
      VALUE "OriginalFilename", "oracle-app.exe"
      VALUE "ProductName", "Sightline"
      VALUE "ProductVersion", "1.2"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END

LANGUAGE LANG_CHINESE, SUBLANG_CHINESE_SIMPLIFIED
1 VERSIONINFO
FILEVERSION 1,2,3,4
PRODUCTVERSION 1,2,0,0
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_APP
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "080404b0"
    BEGIN
      VALUE "CompanyName", "测试公司"
      VALUE "OriginalFilename", "oracle-app.exe"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x804, 1200
  END
END

LANGUAGE LANG_KOREAN, SUBLANG_DEFAULT
FIXTUREDATA RCDATA
BEGIN
  "custom resource in Korean", 0x0
END

LANGUAGE LANG_RUSSIAN, SUBLANG_DEFAULT
300 BLOBTYPE
BEGIN
  0x1234, 0x5678, "blob"
END

LANGUAGE LANG_ENGLISH, SUBLANG_ENGLISH_US
7 NOTES
BEGIN
  "named custom type"
END
`;

/** The DLL: exports by __declspec(dllexport) and by LIB_DEF; imports ws2_32 by name. */
export const LIB_C = String.raw`#include <winsock2.h>
#include <windows.h>

__declspec(dllexport) int SightlineAdd(int a, int b) { return a + b; }
__declspec(dllexport) DWORD SightlineTicks(void) { return GetTickCount(); }
__declspec(dllexport) int WINAPI SightlineStdcall(int x) { return (int)htonl((u_long)x); }
int SightlineHidden(int x) { return x * 3; }
int SightlineByOrdinal(int x) { return x ^ 0x5a; }
int SightlineListed(void) { return 42; }

BOOL WINAPI DllMain(HINSTANCE h, DWORD reason, LPVOID reserved) {
  (void)h; (void)reason; (void)reserved;
  return TRUE;
}
`;

/** The DLL's .def: a fixed ordinal, an ordinal-only (NONAME) export and a forwarder. */
export const LIB_DEF = `LIBRARY "oracle-lib.dll"
EXPORTS
SightlineListed @3
SightlineByOrdinal @7 NONAME
SightlineAdd
SightlineTicks
SightlineTickForward = KERNEL32.GetTickCount
`;

/** The DLL's resources: VERSIONINFO in Russian, strings in Korean and English, a named RCDATA in Chinese. */
export const LIB_RC = String.raw`#pragma code_page(65001)
#include <windows.h>

LANGUAGE LANG_RUSSIAN, SUBLANG_DEFAULT
1 VERSIONINFO
FILEVERSION 2,0,0,7
PRODUCTVERSION 2,0,0,0
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_DLL
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "041904b0"
    BEGIN
      VALUE "CompanyName", "Тестовая компания"
      VALUE "OriginalFilename", "oracle-lib.dll"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x419, 1200
  END
END

LANGUAGE LANG_KOREAN, SUBLANG_DEFAULT
STRINGTABLE
BEGIN
  100 "라이브러리"
END

LANGUAGE LANG_ENGLISH, SUBLANG_ENGLISH_US
STRINGTABLE
BEGIN
  100 "library"
END

LANGUAGE LANG_CHINESE, SUBLANG_CHINESE_SIMPLIFIED
CONFIG RCDATA
BEGIN
  "配置", 0x0
END
`;

/** ws2_32 functions APP_C imports by ordinal: name, ordinal, bytes of stdcall arguments (i686 decoration). */
export const WS2_32_ORDINALS: ReadonlyArray<readonly [string, number, number]> = [
  ['htons', 9, 4], ['ntohl', 14, 4], ['WSAStartup', 115, 8], ['WSACleanup', 116, 0],
];

/** A .def for dlltool that makes an import library importing WS2_32_ORDINALS by ordinal only. */
export function makeOrdinalDef(is64: boolean): string {
  const lines = WS2_32_ORDINALS.map(([name, ord, args]) => `${is64 ? name : `${name}@${args}`} @${ord} NONAME`);
  return `LIBRARY "WS2_32.dll"\nEXPORTS\n${lines.join('\n')}\n`;
}
