CRUD.insertRow({ firstName: 'Ada' });
