// The grader's resource model: typed Istio and Kubernetes objects and the parsers that build
// them from YAML text or API objects. This is the entry point other grader modules import.
export type * from './types.ts'
export { refOf } from './types.ts'
export { type ModelOptions, emptyModel, fromApiObjects, mergeModels } from './collect.ts'
export {
  type ParseOptions,
  type ParsedResources,
  type YamlSyntaxError,
  parseResources,
  pathSegments,
} from './parse-yaml.ts'
export { type FieldProblem } from './reader.ts'
