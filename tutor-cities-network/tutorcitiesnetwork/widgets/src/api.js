/**
 * What the widgets read from cities-network-plugin's REST API (/cities-network/api/v1/), always with the
 * micro-frontend's authenticated client: it sends the platform's JWT cookies and the USE-JWT-COOKIE header,
 * refreshing the cookies at the LMS's /login_refresh first when they are missing or expired.
 */
import { getConfig } from '@edx/frontend-platform';
import { getAuthenticatedHttpClient } from '@edx/frontend-platform/auth';

export const API_PATH = '/cities-network/api/v1';
export const WALLET_PATH = '/cities-network/badges/';
/** How many awards and badges under way the learner dashboard shows; the wallet has the rest. */
export const SHOWN = 3;

/** The course's cities, badges and console links, from Studio (where the console is); null when none is yours. */
export async function fetchCourse(courseId) {
  const url = `${getConfig().STUDIO_BASE_URL}${API_PATH}/courses/${encodeURIComponent(courseId)}/`;
  try {
    const { data } = await getAuthenticatedHttpClient().get(url);
    return data;
  } catch (error) {
    if (error?.response?.status === 404) {
      return null; // none of the course's cities is the caller's: the console would not show it either
    }
    throw error;
  }
}

/** The learner's latest awards and the badges under way, newest first, from the LMS. */
export async function fetchLearnerBadges(shown = SHOWN) {
  const base = `${getConfig().LMS_BASE_URL}${API_PATH}/me`;
  const client = getAuthenticatedHttpClient();
  const [awards, progress] = await Promise.all([
    client.get(`${base}/awards/`, { params: { page_size: shown } }),
    client.get(`${base}/badge-progress/`, { params: { page_size: shown } }),
  ]);
  return { awards: awards.data.results, progress: progress.data.results };
}

export function walletUrl() {
  return `${getConfig().LMS_BASE_URL}${WALLET_PATH}`;
}
