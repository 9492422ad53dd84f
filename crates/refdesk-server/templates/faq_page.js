// Opens the FAQ a link points at (#faq-…).
const target = location.hash && document.getElementById(location.hash.slice(1));
if (target && target.tagName === 'DETAILS') { target.open = true; }
