import type { FastifyRequest } from 'fastify';
import type { Lang } from '../../shared/jobs/chat.job';

/** `?lang=` first, then Accept-Language, then Korean (the seed's language). */
export function langOf(request: FastifyRequest): Lang {
  const query = (request.query as { lang?: string } | undefined)?.lang;
  if (query === 'en' || query === 'ko') return query;
  const header = request.headers['accept-language'];
  if (typeof header === 'string') {
    for (const part of header.split(',')) {
      const tag = part.trim().slice(0, 2).toLowerCase();
      if (tag === 'ko' || tag === 'en') return tag;
    }
  }
  return 'ko';
}
