export default deleteSessionHandler('publisher')
