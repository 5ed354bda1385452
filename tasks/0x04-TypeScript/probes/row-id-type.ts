const probeId: RowID = 'row-1';
