/*
 * Every pipeline and the teams that own them, read from the API for the filters' choices and for the
 * names that events carry only as ids. Views share it, so no view's end aborts its reading.
 */

import { apiGet } from './api.js';

const PIPELINE_PAGE_SIZE = 100;
const MAX_PIPELINE_PAGES = 20;

export const directory = { pipelines: new Map(), teams: new Map(), loaded: false };
let reading = null;

async function readPipelines() {
  const pipelines = [];
  for (let page = 0; page < MAX_PIPELINE_PAGES; page += 1) {
    const start = page * PIPELINE_PAGE_SIZE;
    const items = await apiGet(`/api/deployment-pipelines?start-index=${start}&max-results=${PIPELINE_PAGE_SIZE}`);
    pipelines.push(...items);
    if (items.length < PIPELINE_PAGE_SIZE) break;
  }
  return pipelines;
}

/** Reads the pipelines again (one reading at a time); a team is named as the first pipeline naming it does. */
export function loadDirectory() {
  reading ||= readPipelines()
    .then((pipelines) => {
      directory.pipelines = new Map(pipelines.map((pipeline) => [pipeline.id, pipeline]));
      directory.teams = new Map();
      for (const pipeline of pipelines) {
        for (const team of pipeline.teams || []) {
          if (!directory.teams.get(team.id)) directory.teams.set(team.id, team.name || '');
        }
      }
      directory.loaded = true;
    })
    .finally(() => {
      reading = null;
    });
  return reading;
}
