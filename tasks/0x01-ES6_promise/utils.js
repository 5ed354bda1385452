// The helpers the curriculum supplies, written from their described behaviour: uploadPhoto()
// resolves to the upload's response and createUser() to the created user.
export function uploadPhoto() {
  return Promise.resolve({
    status: 200,
    body: 'photo-profile-1',
  });
}

export function createUser() {
  return Promise.resolve({
    firstName: 'Guillaume',
    lastName: 'Salva',
  });
}
