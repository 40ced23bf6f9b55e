/** The private Docker engine of the end-to-end runs (see engine/engine.ts). */
export { ENGINE_DNS, ENGINE_POOL, engineDown, engineLayout, enginePid, engineStatus, engineUp } from './engine';
export type { EngineInfo, EngineLayout } from './engine';
export { egressRules, RULE_COMMENT, rulesInPlace } from './private/firewall';
