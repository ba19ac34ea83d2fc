/** The async Java SDK (see package dev.corral.client). */
package dev.corral.client;
