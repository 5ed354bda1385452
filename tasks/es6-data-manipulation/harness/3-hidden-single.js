import getStudentIdsSum from './3-get_ids_sum';

console.log(getStudentIdsSum([{ id: 42, firstName: 'Ada', location: 'London' }]));
