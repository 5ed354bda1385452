teachClass('Art');
