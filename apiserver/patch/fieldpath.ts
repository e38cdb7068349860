// Sets of field paths as server-side apply tracks ownership (upstream's structured-merge-diff
// fieldpath.Set), their FieldsV1 encoding and their printed form. Pure data; knows no objects.

import { isObject } from './json.js';

/**
 * One path element, serialized as in FieldsV1: `f:<field>`, `k:<json of key fields>`,
 * `v:<json value>`, `i:<index>`.
 */
export type PathElement = string;
export type Path = readonly PathElement[];

export class FieldSet {
  /** The path to this node is itself in the set. */
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  static fromPaths(paths: Iterable<Path>): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): void {
    let node: FieldSet = this;
    for (const pe of path) {
      let next = node.children.get(pe);
      if (!next) {
        next = new FieldSet();
        node.children.set(pe, next);
      }
      node = next;
    }
    if (path.length > 0) node.member = true;
  }

  private node(path: Path): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const pe of path) {
      node = node.children.get(pe);
      if (!node) return undefined;
    }
    return node;
  }

  has(path: Path): boolean {
    return this.node(path)?.member ?? false;
  }

  /** The path, or anything below it, is in the set. */
  hasPrefix(path: Path): boolean {
    const n = this.node(path);
    return n !== undefined && !n.isEmpty();
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  /** Member paths, depth-first. */
  *paths(prefix: PathElement[] = []): Generator<Path> {
    if (this.member && prefix.length > 0) yield [...prefix];
    for (const pe of sortElements([...this.children.keys()])) {
      yield* this.children.get(pe)!.paths([...prefix, pe]);
    }
  }

  clone(): FieldSet {
    const s = new FieldSet();
    s.member = this.member;
    for (const [k, v] of this.children) s.children.set(k, v.clone());
    return s;
  }

  union(other: FieldSet): FieldSet {
    const s = this.clone();
    for (const p of other.paths()) s.insert(p);
    return s;
  }

  difference(other: FieldSet): FieldSet {
    return FieldSet.fromPaths([...this.paths()].filter((p) => !other.has(p)));
  }

  intersection(other: FieldSet): FieldSet {
    return FieldSet.fromPaths([...this.paths()].filter((p) => other.has(p)));
  }

  /** Removes every path at or below one of `prefixes`. */
  withoutPrefixes(prefixes: readonly Path[]): FieldSet {
    return FieldSet.fromPaths(
      [...this.paths()].filter((p) => !prefixes.some((pre) => pre.length <= p.length && pre.every((pe, i) => p[i] === pe))),
    );
  }

  equals(other: FieldSet): boolean {
    const a = [...this.paths()].map((p) => JSON.stringify(p));
    const b = [...other.paths()].map((p) => JSON.stringify(p));
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  /** The FieldsV1 JSON: children by key, `.` when a node is a member and has children. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const pe of sortElements([...this.children.keys()])) {
      const child = this.children.get(pe)!;
      if (child.isEmpty()) continue;
      const inner = child.toFieldsV1();
      out[pe] = child.member && Object.keys(inner).length > 0 ? { '.': {}, ...inner } : inner;
    }
    return out;
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const s = new FieldSet();
    const walk = (node: FieldSet, obj: unknown): void => {
      if (!isObject(obj)) return;
      for (const [k, child] of Object.entries(obj)) {
        if (k === '.') {
          node.member = true;
          continue;
        }
        const next = new FieldSet();
        node.children.set(k, next);
        if (isObject(child) && Object.keys(child).length === 0) next.member = true;
        else walk(next, child);
      }
    };
    walk(s, v);
    return s;
  }
}

const RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Upstream orders path elements: field names, then keys, then values, then indexes. */
export function sortElements(pes: PathElement[]): PathElement[] {
  return pes.sort((a, b) => {
    const ra = RANK[a[0]] ?? 4;
    const rb = RANK[b[0]] ?? 4;
    if (ra !== rb) return ra - rb;
    if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

export const fieldPE = (name: string): PathElement => `f:${name}`;

/** `k:{"containerPort":80,"protocol":"TCP"}`: key fields sorted by name. */
export function keyPE(fields: Record<string, unknown>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(fields).sort()) sorted[k] = fields[k];
  return `k:${JSON.stringify(sorted)}`;
}

export const valuePE = (v: unknown): PathElement => `v:${JSON.stringify(v)}`;

/** value.ToString of structured-merge-diff: strings quoted, everything else as JSON. */
function valueToString(v: unknown): string {
  return JSON.stringify(v);
}

/** The printed path upstream puts in conflict messages: `.spec.containers[name="nginx"].image`. */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const key = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.entries(key)
            .map(([k, v]) => `${k}=${valueToString(v)}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${valueToString(JSON.parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}
