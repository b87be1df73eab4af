// The single place that turns errors into HTTP answers: `{error: {code, message, hint?}}`.
// AppErrors keep their code and status; fastify's own (validation, 404) get ours; the rest is 500.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, isAppError } from '../errors.ts'

export interface ErrorBody {
  /** `field`: the form field the error is about, so the page can show it next to that field. */
  error: { code: string; message: string; hint?: string; field?: string; stack?: string }
}

export function createErrorHandler(exposeStack: boolean) {
  return function errorHandler(err: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
    const appError = translate(err)
    if (appError.status >= 500) {
      request.log.error({ err, code: appError.code }, appError.message)
    } else {
      request.log.info({ code: appError.code }, appError.message)
    }
    const field = appError.details?.['field']
    const body: ErrorBody = {
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.hint ? { hint: appError.hint } : {}),
        ...(typeof field === 'string' ? { field } : {}),
      },
    }
    if (exposeStack && appError.stack) {
      body.error.stack = appError.stack
    }
    return reply.status(appError.status).send(body)
  }
}

function translate(err: FastifyError | Error): AppError {
  if (isAppError(err)) {
    return err
  }
  const fe = err as FastifyError
  if (fe.validation) {
    return new AppError('LAB_ERR_VALIDATION', {
      message: `The request is not valid: ${fe.message}.`,
      hint: 'Check the request body against the API documentation.',
      cause: err,
    })
  }
  if (fe.statusCode === 413) {
    return new AppError('LAB_ERR_BODY_TOO_LARGE', {
      message: 'The request body is larger than this route accepts.',
      hint: 'Send less data: a Check sends only check ids, a saved file holds at most 512 KiB.',
      cause: err,
    })
  }
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('LAB_ERR_VALIDATION', { message: `The request was refused: ${fe.message}.`, cause: err })
  }
  return new AppError('LAB_ERR_INTERNAL', {
    message: 'The kindlab server hit an unexpected error.',
    hint: 'The server log has the details; please report it.',
    cause: err,
  })
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c)

/** A page for people who typed or followed a wrong address: what is missing and where to go. */
function notFoundPage(path: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not found · kindlab</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header class="topbar"><a class="brand" href="/">kindlab</a></header>
<main class="lab-list"><h1>Page not found</h1>
<p>Nothing is served at <code>${escapeHtml(path)}</code>.</p>
<p><a href="/">See the labs</a> or go to the <a href="/instructor">instructor area</a>.</p></main></body></html>
`
}

/** Browsers asking for a page get an HTML page; the API and scripts get the JSON error. */
function wantsPage(request: FastifyRequest, path: string): boolean {
  const accept = request.headers.accept ?? ''
  return request.method === 'GET' && accept.includes('text/html') && !/^\/(api|ws|static)(\/|$)/.test(path)
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0] ?? ''
  if (wantsPage(request, path)) {
    return reply
      .status(404)
      .headers({
        'content-security-policy': "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        'x-content-type-options': 'nosniff',
      })
      .type('text/html; charset=utf-8')
      .send(notFoundPage(path))
  }
  const body: ErrorBody = {
    error: {
      code: 'LAB_ERR_NOT_FOUND',
      message: `Nothing is served at ${request.method} ${request.url.split('?')[0] ?? ''}.`,
    },
  }
  return reply.status(404).send(body)
}
