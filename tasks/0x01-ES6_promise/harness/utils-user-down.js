// utils.js as a hidden check sees it: the photo is uploaded, creating the user fails.
export function uploadPhoto() {
  return Promise.resolve({ status: 200, body: 'photo-profile-1' });
}

export function createUser() {
  return Promise.reject(new Error('user service is down'));
}
