/** ConfigMaps: no secret in clear, by key name or content. */
import { parseSysctl, type Json } from '../private/stack-json';
import type { Stack } from './private/stack';

const SECRET_KEY = /(^|[._])(pass|password|passwd|passphrase|secret|cookie|token)$/i;

/** A ConfigMap is readable by anyone with view rights: no secret placeholder, reference or literal. */
export function checkConfigMaps(stack: Stack): string[] {
  const out: string[] = [];
  for (const cm of stack.all.configMap) {
    for (const [key, value] of Object.entries<Json>(cm.body.data ?? {})) {
      const text = String(value);
      if (/erlang\.cookie/.test(key)) out.push(`${cm.address}: key ${key} holds the Erlang cookie; it belongs in a Secret`);
      if (text.includes('{{secret:')) out.push(`${cm.address}: key ${key} holds a secret placeholder; files with secrets go into a Secret`);
      if (/\$\{(random_password\.|var\.|random_string\.)/.test(text)) out.push(`${cm.address}: key ${key} holds a secret reference (${/\$\{[^}]+\}/.exec(text)?.[0]}); it would be stored in clear in the ConfigMap`);
      for (const [k, v] of parseSysctl(text)) if (SECRET_KEY.test(k) && v !== '') out.push(`${cm.address}: key ${key} sets ${k} in clear; move it to a Secret`);
      if (/"(password|password_hash)"\s*:\s*"[^"]+"/.test(text)) out.push(`${cm.address}: key ${key} holds a password in JSON; move the file to a Secret`);
    }
  }
  return out;
}
