// The OpenAPI v3 documents kubectl reads to learn that the server validates fields itself
// (fieldValidation on PATCH) and how built-in types merge.
import type { FastifyInstance } from 'fastify';
import { groupVersions } from '../../api/resources.js';
import { openApiV3Document, openApiV3Index } from '../../api/schema/openapi.js';

export function registerOpenApiRoutes(app: FastifyInstance): void {
  app.get('/openapi/v3', async () => openApiV3Index());
  const documents = new Map<string, string>();
  for (const gv of groupVersions()) {
    const key = gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
    app.get(`/openapi/v3/${key}`, async (_request, reply) => {
      let doc = documents.get(key);
      if (!doc) {
        doc = JSON.stringify(openApiV3Document(gv.group, gv.version));
        documents.set(key, doc);
      }
      reply.header('Content-Type', 'application/json').header('Cache-Control', 'public, immutable');
      return doc;
    });
  }
}
