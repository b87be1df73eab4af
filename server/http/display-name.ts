// Display names (a learner's or a trainee's, shown in the grade book, the CSV and webhooks): the
// one validator every route that accepts a name uses. Printable text only: no control characters
// (C0, C1, DEL), no bidi overrides or isolates (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C)
// nor any other invisible format character except the two joiners that scripts and emoji need,
// no line separators, no lone surrogates, no angle brackets; trimmed; 1 to 60 characters.
import { Type } from '@sinclair/typebox'
import { AppError } from '../errors.ts'

export const DISPLAY_NAME_MAX_CHARS = 60

/** The JSON-schema part: a bounded string; {@link parseDisplayName} decides what is allowed. */
export const displayNameSchema = Type.String({ maxLength: 200 })

// Format characters (Cf) cover every bidi control; U+200C/U+200D (joiners) stay allowed.
const forbidden = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}<>]|[^\P{Cf}\u200C\u200D]/u

/**
 * The name as stored: NFC, trimmed. A name with a forbidden character, or empty or too long once
 * trimmed, is a 400 that says which rule it broke.
 * @example parseDisplayName('  Ada ') // 'Ada'
 */
export function parseDisplayName(raw: string): string {
  const name = raw.normalize('NFC').trim()
  const bad = forbidden.exec(name)
  if (bad) {
    const at = bad[0].codePointAt(0) ?? 0
    throw new AppError('LAB_ERR_VALIDATION', {
      message: `The name contains a character that is not printable text (U+${at.toString(16).toUpperCase().padStart(4, '0')}).`,
      hint: 'Type the name with letters, digits, spaces and punctuation only; control and text-direction characters are refused.',
      details: { field: 'displayName' },
    })
  }
  const length = [...name].length
  if (length === 0 || length > DISPLAY_NAME_MAX_CHARS) {
    throw new AppError('LAB_ERR_VALIDATION', {
      message:
        length === 0
          ? 'The name is empty.'
          : `The name is ${length} characters long; at most ${DISPLAY_NAME_MAX_CHARS} are allowed.`,
      hint: `Type a name of 1 to ${DISPLAY_NAME_MAX_CHARS} characters.`,
      details: { field: 'displayName' },
    })
  }
  return name
}
