const probeRow: RowElement = { firstName: 'Ada', lastName: 'Lovelace' };
const probeId: RowID = CRUD.insertRow(probeRow);
const probeNumber: number = probeId;
const probeUpdated: RowID = CRUD.updateRow(probeId, { ...probeRow, age: 36 });
CRUD.deleteRow(probeUpdated);
