// GET /api/health (liveness for compose and tests) and GET /api/status (mode, banner, progress).
import type { FastifyPluginAsync } from 'fastify'
import type { StatusDto } from '../../protocol/api-dto.ts'

export interface HealthRoutesOptions {
  status: () => StatusDto
}

export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, opts) => {
  app.get('/health', async () => ({ status: 'ok' }))
  app.get('/status', async (): Promise<StatusDto> => opts.status())
}
