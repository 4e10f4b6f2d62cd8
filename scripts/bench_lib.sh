# Shared by the benchmark scripts (sourced): signing in as the demo officer of a server started
# with `serve --demo`, whose printed password is in LOGFILE.

# The password `serve --demo` printed for pimpasa.malang.
officer_password() { # $1 LOGFILE
  awk '$1 == "pimpasa.malang" {print $3}' "$1"
}

# A session cookie (benteng_sid=…) through the sign-in form and its CSRF token.
sign_in_cookie() { # $1 BASE $2 USERNAME $3 PASSWORD $4 JAR
  local csrf
  csrf=$(curl -s -c "$4" -b "$4" "$1/masuk" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -o /dev/null -c "$4" -b "$4" --data-urlencode "_csrf=$csrf" \
    --data-urlencode "username=$2" --data-urlencode "password=$3" \
    --data-urlencode "next=/" "$1/masuk"
  awk '$6 == "benteng_sid" {print "benteng_sid=" $7}' "$4"
}

# The demo officer's session cookie.
officer_cookie() { # $1 BASE $2 LOGFILE $3 JAR
  sign_in_cookie "$1" pimpasa.malang "$(officer_password "$2")" "$3"
}

# An API token for the officer.
officer_token() { # $1 BASE $2 LOGFILE
  curl -s -H 'content-type: application/json' \
    -d "{\"username\":\"pimpasa.malang\",\"password\":\"$(officer_password "$2")\"}" "$1/api/v1/auth/token" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])'
}
