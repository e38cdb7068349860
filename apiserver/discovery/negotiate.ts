// Accept-header negotiation of /api and /apis: aggregated discovery (v2 or v2beta1) when the client
// lists it before plain JSON, the legacy documents otherwise. Pure; it never answers 406 (the
// legacy JSON document is always servable).

export type DiscoveryKind = 'aggregated-v2' | 'aggregated-v2beta1' | 'legacy';

export const AGGREGATED_V2_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';
export const LEGACY_CONTENT_TYPE = 'application/json';

interface Clause {
  type: string;
  params: Record<string, string>;
  q: number;
  index: number;
}

function parseAccept(accept: string): Clause[] {
  return accept
    .split(',')
    .map((part, index) => {
      const [type, ...rest] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rest) {
        const i = p.indexOf('=');
        if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"(.*)"$/, '$1');
      }
      const q = params['q'] === undefined ? 1 : Number(params['q']);
      return { type: (type ?? '').toLowerCase(), params, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((c) => c.type !== '' && c.q > 0)
    // highest q first, the client's order among equals (a stable sort keeps it)
    .sort((a, b) => b.q - a.q || a.index - b.index);
}

const JSONISH = new Set(['application/json', 'application/*', '*/*']);

/** Which discovery document to answer with and the Content-Type that tells the client so. */
export function negotiateDiscovery(accept: string | undefined): { kind: DiscoveryKind; contentType: string } {
  const legacy = { kind: 'legacy' as const, contentType: LEGACY_CONTENT_TYPE };
  if (!accept) return legacy;
  for (const clause of parseAccept(accept)) {
    if (!JSONISH.has(clause.type)) continue; // protobuf and others are not spoken here
    const { g, v, as } = clause.params;
    if (g === undefined && v === undefined && as === undefined) return legacy;
    if (g === 'apidiscovery.k8s.io' && as === 'APIGroupDiscoveryList') {
      if (v === 'v2') return { kind: 'aggregated-v2', contentType: AGGREGATED_V2_CONTENT_TYPE };
      if (v === 'v2beta1') return { kind: 'aggregated-v2beta1', contentType: AGGREGATED_V2BETA1_CONTENT_TYPE };
    }
  }
  return legacy;
}
