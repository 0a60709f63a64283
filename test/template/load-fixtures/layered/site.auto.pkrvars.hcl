parent = "tomcat"
