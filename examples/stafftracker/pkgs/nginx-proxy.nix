# nginx (Debian's, from the host's /usr) as a `process` component: a reverse proxy on `port` that
# forwards every request to `upstream`. Its temporary files live in the target's private /tmp.
{ pkgs, common, port ? 80, upstream }:

let
  config = pkgs.writeText "nginx.conf" ''
    daemon off;
    worker_processes 1;
    pid /run/nginx-master.pid;
    error_log stderr;
    events { worker_connections 128; }
    http {
      access_log off;
      client_body_temp_path /tmp/nginx/client_body;
      proxy_temp_path /tmp/nginx/proxy;
      fastcgi_temp_path /tmp/nginx/fastcgi;
      uwsgi_temp_path /tmp/nginx/uwsgi;
      scgi_temp_path /tmp/nginx/scgi;
      server {
        listen ${toString port};
        location / {
          proxy_pass ${upstream};
          proxy_set_header Host $host;
        }
      }
    }
  '';
in
common.mkDaemon {
  name = "nginx";
  waitPort = port;
  waitHttp = "/";
  stopSignal = "SIGQUIT";  # graceful: finish the requests in progress
  preStart = ''
    if [ ! -x /usr/sbin/nginx ]; then echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; fi
    mkdir -p /tmp/nginx
  '';
  command = "/usr/sbin/nginx -e stderr -p /tmp/nginx -c ${config}";
}
