# nginx (Debian's, from the host's /usr) as a `process` component: a reverse proxy on `port` with one
# virtual host per web application of `webapps` (their inter-dependency arguments). A request for
# any other host name gets a 404.
{ pkgs, common, port ? 80, webapps }:

let
  inherit (pkgs) lib;
  virtualHost = app: ''
    server {
      listen ${toString port};
      server_name ${app.virtualHost};
      location / { proxy_pass http://127.0.0.1:${toString app.port}; }
    }
  '';
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
        listen ${toString port} default_server;
        return 404 "no such virtual host here\n";
      }
      ${lib.concatMapStrings virtualHost (builtins.attrValues webapps)}
    }
  '';
in
common.mkDaemon {
  name = "nginx";
  waitPort = port;
  stopSignal = "SIGQUIT";
  preStart = ''
    if [ ! -x /usr/sbin/nginx ]; then echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; fi
    mkdir -p /tmp/nginx
  '';
  command = "/usr/sbin/nginx -e stderr -p /tmp/nginx -c ${config}";
}
