// The reader's resource limits on a learner's YAML, as an input error rather than a crash: a
// document with more than MAX_YAML_ALIASES alias expansions (a "billion laughs" file) or nested
// deeper than the reader can follow becomes LAB_ERR_INPUT_FILE (400, exit 66) naming the file
// and the line, where the reader knows it. Whatever else a reader throws while turning a parsed
// document into data is mapped the same way, so that a learner's file is never a 500.
import { isAlias, visit, type Document, type LineCounter } from 'yaml'
import { AppError } from '../../errors.ts'

/** Alias expansions allowed per document (the `yaml` package's own default, stated here). */
export const MAX_YAML_ALIASES = 100

const tooDeep = /maximum call stack size exceeded|too much recursion/i

function inputError(file: string, line: number | undefined, what: string, cause?: unknown): AppError {
  return new AppError('LAB_ERR_INPUT_FILE', {
    message: `${file}${line === undefined ? '' : `:${line}`} ${what}`,
    hint: 'Write the resources out plainly, as `kubectl get -o yaml` prints them: no deep nesting, few anchors.',
    details: { file, ...(line === undefined ? {} : { line }) },
    ...(cause === undefined ? {} : { cause }),
  })
}

/** Throws when the parser gave up on the document because it nests too deeply. */
export function assertParsedWithinLimits(doc: Document.Parsed, file: string, lines: LineCounter): void {
  const deep = doc.errors.find((e) => tooDeep.test(e.message))
  if (deep) {
    throw inputError(file, lines.linePos(deep.pos[0]).line, 'nests collections deeper than kindlab reads.')
  }
}

/** The line of the alias past the limit (or of the last alias), for the message. */
function aliasLine(doc: Document.Parsed, lines: LineCounter): number | undefined {
  let seen = 0
  let at: number | undefined
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.range) {
        seen++
        at = node.range[0]
        if (seen > MAX_YAML_ALIASES) {
          return visit.BREAK
        }
      }
      return undefined
    },
  })
  return at === undefined ? undefined : lines.linePos(at).line
}

/**
 * The document's data (call {@link assertParsedWithinLimits} and look at `doc.errors` first).
 * @example const value = documentValue(doc, 'gateway.yaml', lineCounter)
 */
export function documentValue(doc: Document.Parsed, file: string, lines: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES })
  } catch (err) {
    if (err instanceof RangeError || (err instanceof Error && tooDeep.test(err.message))) {
      throw inputError(file, undefined, 'nests collections deeper than kindlab reads.', err)
    }
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      throw inputError(
        file,
        aliasLine(doc, lines),
        `expands YAML aliases more than ${MAX_YAML_ALIASES} times (a resource-exhaustion pattern).`,
        err,
      )
    }
    throw inputError(file, undefined, 'cannot be read as data.', err)
  }
}
