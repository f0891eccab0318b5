/**
 * Word lists that tell an indicator from the other dotted words of prose.
 * Each list says why it exists; all entries are lower case.
 */

/**
 * File extensions of what reports name as files: executables and libraries,
 * scripts, documents, archives and disk images, and the data files droppers
 * write. A dotted word whose last label is one of these (and no top-level
 * domain) is a file name; a dotted word under any other extension
 * (`fig.3`, `e.g`, `v2.1.3`) is nothing.
 */
export const FILE_EXTENSIONS: ReadonlySet<string> = new Set([
  // Windows executables, libraries, drivers, installers, shortcuts
  'exe', 'dll', 'sys', 'scr', 'cpl', 'ocx', 'drv', 'efi', 'msi', 'msp', 'msc', 'lnk', 'pif', 'inf', 'reg', 'scf', 'chm', 'hlp', 'appx', 'msix',
  // scripts
  'bat', 'cmd', 'ps1', 'psm1', 'psd1', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'hta', 'sct', 'py', 'pyc', 'sh', 'rb', 'lua', 'php', 'asp', 'aspx', 'ashx', 'jsp', 'jspx', 'cgi', 'au3', 'a3x', 'ahk',
  // other executables and packages
  'elf', 'bin', 'so', 'dylib', 'jar', 'class', 'apk', 'dex', 'ipa', 'dmg', 'pkg', 'deb', 'rpm', 'xpi', 'crx',
  // documents
  'doc', 'docx', 'docm', 'dotm', 'dotx', 'xls', 'xlsx', 'xlsm', 'xlsb', 'xlam', 'xla', 'ppt', 'pptx', 'pptm', 'ppsx', 'pps', 'rtf', 'pdf', 'odt', 'ods', 'odp', 'hwp', 'wri', 'txt', 'csv', 'htm', 'html', 'mht', 'mhtml', 'xml', 'svg', 'eml', 'msg', 'md', 'mov', 'mp4',
  // archives and images
  'zip', 'rar', '7z', 'cab', 'arj', 'ace', 'gz', 'tgz', 'bz2', 'xz', 'tar', 'iso', 'img', 'vhd', 'vhdx', 'uue', 'lzh',
  // data files droppers and implants write
  'tmp', 'dat', 'ini', 'cfg', 'conf', 'log', 'db', 'key', 'pem', 'crt', 'cer', 'pfx', 'bak', 'jpg', 'jpeg', 'png', 'gif', 'bmp', 'ico',
]);

/**
 * File extensions that are also top-level domains. In prose `install.sh`,
 * `report.zip` and `libfoo.so` are files far more often than sites; written
 * defanged (`report[.]zip`) or as a URL's host they are domains. Other
 * extensions that are TLDs (`.pl`, `.cc`, `.ai`, `.app`, `.one`) are
 * domains: those TLDs hold many sites, campaigns' among them.
 */
export const EXTENSION_TLDS: ReadonlySet<string> = new Set(['zip', 'mov', 'py', 'sh', 'so', 'cab', 'md']);

/**
 * Windows files every system has, which reports name when a sample runs,
 * injects into or masquerades as them. As a file-name indicator (matched on
 * the base name alone) each would match every machine; the analyst who means
 * a masquerading copy has its hash.
 */
export const SYSTEM_FILES: ReadonlySet<string> = new Set([
  'cmd.exe', 'powershell.exe', 'pwsh.exe', 'rundll32.exe', 'regsvr32.exe', 'svchost.exe', 'explorer.exe', 'iexplore.exe', 'lsass.exe',
  'services.exe', 'winlogon.exe', 'csrss.exe', 'smss.exe', 'wininit.exe', 'taskhost.exe', 'taskhostw.exe', 'conhost.exe', 'dllhost.exe',
  'spoolsv.exe', 'mshta.exe', 'wscript.exe', 'cscript.exe', 'schtasks.exe', 'at.exe', 'net.exe', 'net1.exe', 'netsh.exe', 'sc.exe',
  'reg.exe', 'regedit.exe', 'tasklist.exe', 'taskkill.exe', 'ipconfig.exe', 'systeminfo.exe', 'whoami.exe', 'certutil.exe', 'bitsadmin.exe',
  'msiexec.exe', 'wmic.exe', 'wmiprvse.exe', 'notepad.exe', 'calc.exe', 'winword.exe', 'excel.exe', 'powerpnt.exe', 'outlook.exe',
  'acrord32.exe', 'chrome.exe', 'firefox.exe', 'msedge.exe', 'userinit.exe', 'dwm.exe', 'ctfmon.exe', 'sihost.exe', 'searchindexer.exe',
  'kernel32.dll', 'ntdll.dll', 'user32.dll', 'advapi32.dll', 'gdi32.dll', 'shell32.dll', 'ole32.dll', 'oleaut32.dll', 'ws2_32.dll',
  'wininet.dll', 'winhttp.dll', 'urlmon.dll', 'crypt32.dll', 'msvcrt.dll', 'comctl32.dll', 'shlwapi.dll', 'version.dll', 'kernelbase.dll',
  'ntoskrnl.exe', 'hal.dll', 'win32k.sys', 'ndis.sys', 'tcpip.sys', 'ntfs.sys', 'desktop.ini', 'hosts', 'ntuser.dat',
]);

/** Product and technology names written with a dot (`Node.js`, `ASP.NET`): no file, no site named as an indicator. */
export const DOTTED_NAMES: ReadonlySet<string> = new Set([
  'node.js', 'vue.js', 'react.js', 'next.js', 'nuxt.js', 'chart.js', 'three.js', 'd3.js', 'ember.js', 'backbone.js', 'angular.js', 'express.js',
  'asp.net', 'vb.net', 'ado.net', 'dot.net', 'socket.io', 'web.config', 'mono.net',
]);

/** Digests of zero bytes (MD5, SHA-1, SHA-256): tables of hashes print them for empty files; they name no sample. */
export const EMPTY_HASHES: ReadonlySet<string> = new Set([
  'd41d8cd98f00b204e9800998ecf8427e',
  'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
]);

/** Words that, right before a dotted number, make it a version and not an address (`version 1.2.3.4`, `v1.0.0.1`, `build 6.1.7601.1`). */
export const VERSION_WORDS: ReadonlySet<string> = new Set(['v', 'ver', 'ver.', 'version', 'versions', 'build', 'release', 'update', 'firmware', 'rev', 'revision', 'sp']);
