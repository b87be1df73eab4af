// schema.ValidationAnalyzer.Gateway, warnings only (IST0133): tls.httpsRedirect on a server whose
// protocol is not HTTP-family. Rejections (IST0106) come from the model's validation. Pure.
import type { Gateway } from '../core/model/index.ts'
import type { Finding } from '../core/findings.ts'
import type { Analyzer } from './analyzer.ts'
import { messages, report } from './messages.ts'

const HTTP_PROTOCOLS = new Set(['http', 'http2', 'http_proxy', 'grpc', 'grpc-web'])

/** The Gateway schema warnings istiod returns with an accepted Gateway. */
export const schemaGateway: Analyzer = {
  meta: {
    id: 'schema.gateway',
    istioName: 'schema.ValidationAnalyzer.Gateway',
    description: 'Reports the schema warnings istiod gives for a Gateway',
    inputs: ['gateways'],
    codes: ['IST0133'],
  },
  analyze(model) {
    return model.gateways.flatMap(httpsRedirectWarnings)
  },
}

function httpsRedirectWarnings(gw: Gateway): Finding[] {
  return gw.spec.servers.flatMap((server, i) =>
    server.tls?.httpsRedirect === true && !HTTP_PROTOCOLS.has(server.port.protocol.toLowerCase())
      ? [
          report(messages.SchemaWarning, gw, {
            path: `spec.servers[${i}].tls.httpsRedirect`,
            message: `Server ${i} (${server.port.protocol} on port ${server.port.number}) sets tls.httpsRedirect, which only works on plain HTTP servers.`,
            hint: 'Remove httpsRedirect here; put it on the HTTP server (port 80) of the same hosts to send clients to HTTPS.',
          }),
        ]
      : [],
  )
}
