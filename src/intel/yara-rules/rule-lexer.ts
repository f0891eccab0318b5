/**
 * The YARA lexer intel/ lists rules with. It lives in core/yara-x.ts, so that
 * samples/ (which may not import intel/) counts rules with the same one.
 */
export { listYaraRules, tokenizeYara, MAX_RULES_PER_FILE, type YaraRuleHeader } from '../../core/yara-x.js';
