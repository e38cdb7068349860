// /version, /api, /apis and the per-group-version resource lists, legacy or aggregated as the
// Accept header asks (kubectl 1.32 prefers aggregated discovery v2).
import type { FastifyInstance } from 'fastify';
import { groupVersions } from '../discovery/served.js';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, negotiateDiscovery, versionInfo } from '../discovery/index.js';

export function registerDiscoveryRoutes(app: FastifyInstance): void {
  app.get('/version', async () => versionInfo());
  for (const root of ['api', 'apis'] as const) {
    app.get(`/${root}`, async (request, reply) => {
      const negotiated = negotiateDiscovery(request.headers.accept);
      reply.header('Content-Type', negotiated.contentType);
      if (negotiated.kind === 'legacy') {
        return root === 'api' ? apiVersions(request.socket.localAddress ?? '') : apiGroupList();
      }
      const version = negotiated.kind === 'aggregated-v2' ? 'apidiscovery.k8s.io/v2' : 'apidiscovery.k8s.io/v2beta1';
      reply.header('Vary', 'Accept');
      return JSON.stringify(aggregatedDiscovery(root, version));
    });
  }
  for (const gv of groupVersions()) {
    const base = gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;
    app.get(base, async () => apiResourceList(gv.group, gv.version));
    if (gv.group) app.get(`/apis/${gv.group}`, async () => apiGroup(gv.group));
  }
}
