/** Test support for checking parsePe against Debian's python3-pefile: mingw-w64 builds, the oracle runner and the diff. */
export { buildMingwFixtures, checkMingwTools, listMingwTools, FIXED_EPOCH } from './mingw-builds.js';
export type { MingwArch, MingwBuild } from './mingw-builds.js';
export { checkPefile, diffOracleFacts, projectPeFacts, runPefileOracle, DEBIAN_PYTHON } from './pefile-oracle.js';
export type { OracleFacts, OracleImportFunction, OracleReport } from './pefile-oracle.js';
export { findRuntimeDlls, findWineDlls, MAX_RUNTIME_DLL_BYTES, MAX_WINE_DLLS, WINE_DLL_DIR } from './system-dlls.js';
export { APP_C, APP_RC, LIB_C, LIB_DEF, LIB_RC, WS2_32_ORDINALS, makeOrdinalDef } from './oracle-sources.js';
