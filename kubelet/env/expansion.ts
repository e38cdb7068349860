// $(VAR) expansion of env values, command and args, with upstream's rules (third_party/forked/golang/
// expansion): `$$` escapes, unknown or unclosed references stay as written. Pure; never reads process.env.

const OPERATOR = '$';
const OPENER = '(';
const CLOSER = ')';

/** A lookup over several maps, first hit wins; a miss returns the reference unchanged (`$(NAME)`). */
export function mappingFuncFor(...contexts: Array<Map<string, string> | Record<string, string>>): (name: string) => string {
  return (name) => {
    for (const vars of contexts) {
      if (vars instanceof Map) {
        const v = vars.get(name);
        if (v !== undefined) return v;
      } else if (Object.prototype.hasOwnProperty.call(vars, name)) {
        return vars[name]!;
      }
    }
    return `${OPERATOR}${OPENER}${name}${CLOSER}`;
  };
}

/** Expands `$(VAR)` references in input using mapping. */
export function expand(input: string, mapping: (name: string) => string): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] === OPERATOR && cursor + 1 < input.length) {
      out += input.slice(checkpoint, cursor);
      const { read, isVar, advance } = tryReadVariableName(input.slice(cursor + 1));
      out += isVar ? mapping(read) : read;
      cursor += advance;
      checkpoint = cursor + 1;
    }
  }
  return out + input.slice(checkpoint);
}

function tryReadVariableName(input: string): { read: string; isVar: boolean; advance: number } {
  const first = input[0]!;
  if (first === OPERATOR) return { read: OPERATOR, isVar: false, advance: 1 };
  if (first === OPENER) {
    for (let i = 1; i < input.length; i++) {
      if (input[i] === CLOSER) return { read: input.slice(1, i), isVar: true, advance: i + 1 };
    }
    return { read: OPERATOR + OPENER, isVar: false, advance: 1 };
  }
  return { read: OPERATOR + first, isVar: false, advance: 1 };
}
