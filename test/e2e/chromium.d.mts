export function findChromium(): { path: string | undefined; reason: string | undefined }
