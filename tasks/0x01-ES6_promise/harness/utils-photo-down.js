// utils.js as a hidden check sees it: the photo upload fails, the user is created.
export function uploadPhoto() {
  return Promise.reject(new Error('photo service is down'));
}

export function createUser() {
  return Promise.resolve({ firstName: 'Guillaume', lastName: 'Salva' });
}
