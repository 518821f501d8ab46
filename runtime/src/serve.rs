//! Serving a router: bind, log the routes, stop on SIGTERM after the sessions in flight.
