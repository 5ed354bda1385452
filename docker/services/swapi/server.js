// A stand-in for the Star Wars API the school's tasks fetch (https://swapi-api.alx-tools.com/api/),
// serving the same shape of JSON from our own data (swapi.json) on 443 (TLS, with the
// certificate the image's setup made) and 80, for every host name it stands in for.
// People answer after a delay of their own, so that requests sent at once come back out of
// order, as they did from the real service.
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');

const DIR = '/etc/checker/swapi';
const HOSTS = fs.readFileSync(`${DIR}/hosts`, 'utf8').split(/\s+/).filter(Boolean);
const data = JSON.parse(fs.readFileSync(`${DIR}/swapi.json`, 'utf8'));
// Milliseconds before a person's answer, by id: uneven, early ids often the slowest.
const DELAYS = [90, 20, 120, 5, 60, 110, 30, 80, 10, 100, 45, 70, 15, 85, 35, 55];
const STAMP = '2014-12-10T15:59:50.509000Z';

function base (req) {
  const host = (req.headers.host || '').replace(/:\d+$/, '').toLowerCase();
  const scheme = req.socket.encrypted ? 'https' : 'http';
  return `${scheme}://${HOSTS.includes(host) ? host : HOSTS[0]}/api/`;
}

function film (id, api) {
  const f = data.films[id];
  return {
    title: f.title,
    episode_id: f.episode_id,
    opening_crawl: `${f.title}: a film of the grader's own data.`,
    director: f.director,
    producer: 'Checker',
    release_date: f.release_date,
    characters: f.characters.map((p) => `${api}people/${p}/`),
    planets: [],
    starships: [],
    vehicles: [],
    species: [],
    created: STAMP,
    edited: STAMP,
    url: `${api}films/${id}/`
  };
}

function person (id, api) {
  return {
    name: data.people[id - 1],
    height: 'unknown',
    mass: 'unknown',
    hair_color: 'n/a',
    skin_color: 'n/a',
    eye_color: 'n/a',
    birth_year: 'unknown',
    gender: 'n/a',
    homeworld: `${api}planets/1/`,
    films: Object.keys(data.films)
      .filter((f) => data.films[f].characters.includes(id))
      .map((f) => `${api}films/${f}/`),
    species: [],
    vehicles: [],
    starships: [],
    created: STAMP,
    edited: STAMP,
    url: `${api}people/${id}/`
  };
}

function answer (req, res) {
  const api = base(req);
  const path = req.url.split('?')[0];
  let m;
  let body = null;
  let delay = 0;
  if ((m = path.match(/^\/api\/films\/(\d+)\/?$/)) && data.films[m[1]]) {
    body = film(m[1], api);
  } else if ((m = path.match(/^\/api\/people\/(\d+)\/?$/)) && data.people[m[1] - 1]) {
    body = person(Number(m[1]), api);
    delay = DELAYS[m[1] % DELAYS.length];
  } else if (/^\/api\/films\/?$/.test(path)) {
    const results = Object.keys(data.films).map((id) => film(id, api));
    body = { count: results.length, next: null, previous: null, results };
  } else if (/^\/api\/?$/.test(path)) {
    body = { films: `${api}films/`, people: `${api}people/` };
  }
  setTimeout(() => {
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body || { detail: 'Not found' }));
  }, delay);
}

const tls = { key: fs.readFileSync(`${DIR}/server.key`), cert: fs.readFileSync(`${DIR}/server.pem`) };
let listening = 0;
function up () {
  if (++listening === 2) fs.writeFileSync('/tmp/ready', '');
}
https.createServer(tls, answer).listen(443, up);
http.createServer(answer).listen(80, up);
