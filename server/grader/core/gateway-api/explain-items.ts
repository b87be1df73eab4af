// Shared pieces of the Gateway API explainers: the input they read, and explanation items that
// name a resource, a field path and its file and line. Pure.
import type { Finding } from '../findings.ts'
import type { ResourceModel } from '../model/index.ts'
import type { ExplanationItem, SimRequest, SimResult } from '../simulate/request.ts'
import type { Translation } from '../translate/translate.ts'
import type { GatewayApiConversion } from './convert.ts'
import type { GatewayInfo } from './gateways.ts'
import type { GeneratedOrigin } from './routes.ts'
import type { GatewayApiModel } from './types.ts'

export interface GatewayExplainInput {
  result: SimResult
  request: SimRequest
  info: GatewayInfo
  origin: GeneratedOrigin | undefined
  conversion: GatewayApiConversion
  gatewayApi: GatewayApiModel
  classic: ResourceModel
  findings: readonly Finding[]
  translation: Translation
}

type Located = { kind: string; metadata: { namespace: string; name: string } } & {
  source: { file?: string }
  fieldLines?: Record<string, number>
}

/** `Kind ns/name`. */
export function ref(r: { kind: string; metadata: { namespace: string; name: string } }): string {
  return `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`
}

/** The line of `path` or of its nearest recorded parent field. */
function lineAt(lines: Record<string, number> | undefined, path: string): number | undefined {
  for (let p = path; p !== '';) {
    const line = lines?.[p]
    if (line !== undefined) {
      return line
    }
    const shorter = p.replace(/(\.[^.[]+|\[\d+\])$/, '')
    if (shorter === p) {
      break
    }
    p = shorter
  }
  return undefined
}

export function located(
  r: Located,
  path: string,
  item: Omit<ExplanationItem, 'resource' | 'path' | 'file' | 'line'>,
): ExplanationItem {
  const line = lineAt(r.fieldLines, path)
  const where = `${r.source.file ?? ''}${line === undefined ? '' : `:${line}`}`
  const out: ExplanationItem = {
    ...item,
    message: where === '' ? item.message : `${item.message} (${where})`,
    resource: ref(r),
    path,
  }
  if (r.source.file !== undefined) {
    out.file = r.source.file
  }
  if (line !== undefined) {
    out.line = line
  }
  return out
}
